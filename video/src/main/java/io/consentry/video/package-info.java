/**
 * Video: FFmpeg sources and sinks ({@link io.consentry.video.io}), the tracking pipeline that runs detection every
 * few frames and recognition once per track ({@link io.consentry.video.watch}), and face redaction of images and
 * videos ({@link io.consentry.video.redact}). Depends on the core engine and, for recognition against galleries, on
 * the governance service; it has no HTTP or CLI code.
 */
package io.consentry.video;
