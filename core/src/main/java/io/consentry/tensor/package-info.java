/** Image-to-tensor preprocessing (crop, pad, TF-style bilinear resize, normalisation). */
package io.consentry.tensor;
