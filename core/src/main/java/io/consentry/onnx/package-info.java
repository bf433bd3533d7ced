/** The only package that touches ONNX Runtime: a generic session wrapper over float tensors. */
package io.consentry.onnx;
