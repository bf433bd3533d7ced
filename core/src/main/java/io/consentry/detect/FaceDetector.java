package io.consentry.detect;

import io.consentry.ConsentryException;
import io.consentry.image.RgbImage;

import java.util.List;

/**
 * Finds faces in an image. Implementations wrap one ONNX model and its pre/post-processing; they are
 * thread-safe and hold native memory until {@link #close}.
 */
public interface FaceDetector extends AutoCloseable {
    /**
     * Faces in {@code image} with score at least {@code minScore}, best first, at most {@code maxFaces}.
     */
    List<Detection> detect(RgbImage image, double minScore, int maxFaces) throws ConsentryException;

    /** Short id of the adapter, e.g. {@code faceapi-ssd-mobilenetv1}. */
    String adapter();

    @Override
    void close();
}
