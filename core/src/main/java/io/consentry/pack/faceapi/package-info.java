/** Converters from face-api.js's nets (layer by layer, as its sources compute them) to ONNX. */
package io.consentry.pack.faceapi;
