package io.consentry.pack;

import java.util.List;

/** Names of the translators a manifest can bind a model file to. */
public final class ModelAdapters {
    /** face-api.js SSD MobileNet V1 (512x512, outputs boxes/scores over 5118 anchors). */
    public static final String FACEAPI_SSD = "faceapi-ssd-mobilenetv1";
    /** face-api.js faceLandmark68Net (112x112 crop, 136 relative coordinates). */
    public static final String FACEAPI_LANDMARKS68 = "faceapi-landmark68";
    /** face-api.js faceRecognitionNet (150x150 crop, 128-D descriptor). */
    public static final String FACEAPI_RECOGNITION = "faceapi-recognition";
    /** YuNet (OpenCV zoo, 2023mar layout): cls/obj/bbox/kps at strides 8/16/32, 5 landmarks. */
    public static final String YUNET = "yunet";

    public static final List<String> DETECTORS = List.of(FACEAPI_SSD, YUNET);

    private ModelAdapters() {
    }
}
