package io.consentry.align;

/** How the face is cut out for the descriptor net. */
public enum Alignment {
    /** face-api.js's box from the 68 landmarks, no rotation (reproduces face-api.js exactly). */
    FACEAPI_BOX,
    /**
     * face-api.js's box computed after levelling the eyes, sampled along that rotation: removes head roll and equals
     * {@link #FACEAPI_BOX} for a level face.
     */
    ROLL_CORRECTED,
    /**
     * A 150-pixel face chip: the similarity transform (rotation, scale, translation) that best maps landmark points
     * 17-67 onto a frontal mean face with 25 % padding — the kind of chip dlib's 128-D metric net (the network
     * face-api.js converted) was trained on.
     */
    CHIP_68
}
