/** Reading TensorFlow.js weight manifests and (de-quantised) weight shards. */
package io.consentry.pack.tfjs;
