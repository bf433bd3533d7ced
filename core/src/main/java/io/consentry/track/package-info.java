/**
 * Multi-face tracking for video: stable ids for the faces a detector finds frame by frame.
 *
 * <ul>
 *   <li>{@link io.consentry.track.FaceTracker}: the tracker (Kalman motion, optimal IoU / appearance assignment,
 *       track life cycle), one per stream; {@link io.consentry.track.TrackerOptions} its settings.</li>
 *   <li>{@link io.consentry.track.TrackInput}: one detected face (box, score, optional descriptor);
 *       {@link io.consentry.track.TrackState}: one track on one frame.</li>
 *   <li>{@link io.consentry.track.LinearAssignment}: the rectangular assignment solver.</li>
 *   <li>{@link io.consentry.track.TrackingMetrics}: ID switches and fragmentations against ground truth.</li>
 * </ul>
 *
 * <pre>{@code
 * FaceTracker tracker = new FaceTracker();
 * List<TrackState> tracks = tracker.update(frameIndex, detections.stream().map(TrackInput::of).toList());
 * }</pre>
 *
 * <p>Units: boxes in image pixels with {@code x, y} the top-left corner ({@link io.consentry.geometry.Box});
 * time in the caller's frame indexes, velocities in pixels per frame.
 */
package io.consentry.track;
