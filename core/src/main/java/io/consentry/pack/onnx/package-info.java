/** Writing ONNX graphs (protobuf wire format) and TensorFlow-style layers in NCHW. */
package io.consentry.pack.onnx;
