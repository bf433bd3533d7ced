package io.consentry.onnx;

import io.consentry.ConsentryException;

/** An ONNX model cannot be loaded or run; the message names the file. */
public class OnnxModelException extends ConsentryException {
    public OnnxModelException(String message) {
        super(message);
    }

    public OnnxModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
