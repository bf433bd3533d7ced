package io.consentry.align;

/** How the face is cut out for the descriptor net. */
public enum Alignment {
    /** face-api.js's box from the 68 landmarks, no rotation (reproduces face-api.js exactly). */
    FACEAPI_BOX,
    /**
     * The same box computed after rotating the landmarks so that the eyes are level, and sampled from the image along
     * that rotation: a similarity transform (rotation + scale + translation) that removes head roll and equals
     * {@link #FACEAPI_BOX} for a level face.
     */
    ROLL_CORRECTED
}
