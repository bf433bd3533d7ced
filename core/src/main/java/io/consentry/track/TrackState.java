package io.consentry.track;

import io.consentry.geometry.Box;

/**
 * One track as of one frame, as returned by {@link FaceTracker}. Boxes are in image pixels ({@code x, y} = top-left
 * corner); frames are the caller's frame indexes.
 *
 * @param trackId           stable id, 1, 2, 3... in order of creation, never reused by the tracker
 * @param box               the filtered estimate (Kalman posterior): on a frame where the track matched a detection
 *                          it lies between {@code predicted} and the detected box (close to the detection, a little
 *                          smoother); otherwise it equals {@code predicted}. The raw detected box is
 *                          {@code inputs.get(detectionIndex).box()}
 * @param predicted         the motion model's box for this frame before any detection was applied; for a track born
 *                          on this frame, its first detected box
 * @param confirmed         the track has had {@link TrackerOptions#minHits()} detections (stays true once reached)
 * @param hits              detections matched over the track's life, the first included
 * @param misses            consecutive detection runs ({@link FaceTracker#update} calls) without a match; 0 on a
 *                          matched frame. {@link FaceTracker#predict} frames do not count
 * @param firstFrame        frame on which the track was born
 * @param lastDetectedFrame last frame on which the track matched a detection
 * @param detectionIndex    index of the matched detection in this frame's input list, or -1 when the box is
 *                          predicted only (no detection this frame, a predict() frame, or an ended track)
 */
public record TrackState(long trackId, Box box, Box predicted, boolean confirmed, int hits, int misses, long firstFrame,
                         long lastDetectedFrame, int detectionIndex) {

    /** True when the track matched a detection on this frame. */
    public boolean detected() {
        return detectionIndex >= 0;
    }
}
