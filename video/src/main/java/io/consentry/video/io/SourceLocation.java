package io.consentry.video.io;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Where frames come from: a video file, a network stream (RTSP, HTTP(S) MJPEG or other FFmpeg-readable URL) or a
 * local V4L2 camera. Parsed from what users type: a path, a URL, {@code /dev/video0} or {@code v4l2:/dev/video0}.
 * {@link #toString()} hides any password in a URL, so locations are safe to log and to show in events.
 *
 * @param kind     file, network stream or camera
 * @param location what FFmpeg opens: an absolute path, a URL or a device path
 * @param format   FFmpeg input format to force (e.g. {@code video4linux2}), or empty to let FFmpeg probe
 */
public record SourceLocation(Kind kind, String location, Optional<String> format) {
    /** What kind of source. Files end; streams and cameras are reconnected when they drop. */
    public enum Kind { FILE, STREAM, CAMERA }

    public SourceLocation {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(format, "format");
    }

    /**
     * Parses a user-supplied source.
     *
     * @throws IllegalArgumentException for an empty string or an unsupported URL scheme
     */
    public static SourceLocation parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a video source is required: a file, an rtsp:// or http(s):// URL, or /dev/videoN");
        }
        String t = text.strip();
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.startsWith("v4l2:")) {
            return new SourceLocation(Kind.CAMERA, t.substring(5), Optional.of("video4linux2"));
        }
        if (lower.startsWith("/dev/video")) {
            return new SourceLocation(Kind.CAMERA, t, Optional.of("video4linux2"));
        }
        int colon = t.indexOf("://");
        if (colon > 0) {
            String scheme = lower.substring(0, colon);
            switch (scheme) {
                case "rtsp", "rtsps", "rtmp", "http", "https", "udp", "rtp", "srt", "tcp":
                    return new SourceLocation(Kind.STREAM, t, Optional.empty());
                case "file":
                    return new SourceLocation(Kind.FILE, Path.of(URI.create(t)).toAbsolutePath().toString(), Optional.empty());
                default:
                    throw new IllegalArgumentException("unsupported source scheme '" + scheme + "'; use a file path, rtsp://, http(s)://, rtmp://, udp://, srt:// or /dev/videoN");
            }
        }
        return new SourceLocation(Kind.FILE, Path.of(t).toAbsolutePath().toString(), Optional.empty());
    }

    /** Whether a dropped connection should be retried (streams and cameras, not files). */
    public boolean isLive() {
        return kind != Kind.FILE;
    }

    /** For files: the path, after checking it is a readable regular file. */
    Path checkedFile() throws java.io.IOException {
        Path p = Path.of(location);
        if (!Files.exists(p)) {
            throw new java.io.FileNotFoundException("no such file: " + p);
        }
        if (!Files.isRegularFile(p)) {
            throw new java.io.IOException("not a regular file: " + p);
        }
        if (!Files.isReadable(p)) {
            throw new java.io.IOException("not readable: " + p);
        }
        return p;
    }

    @Override
    public String toString() {
        return kind == Kind.STREAM ? redactCredentials(location) : location;
    }

    /** {@code rtsp://user:secret@host/x} → {@code rtsp://user:***@host/x}. */
    public static String redactCredentials(String url) {
        int scheme = url.indexOf("://");
        if (scheme < 0) {
            return url;
        }
        int at = url.indexOf('@', scheme + 3);
        int slash = url.indexOf('/', scheme + 3);
        if (at < 0 || (slash >= 0 && slash < at)) {
            return url;
        }
        String userInfo = url.substring(scheme + 3, at);
        int c = userInfo.indexOf(':');
        String user = c < 0 ? userInfo : userInfo.substring(0, c);
        return url.substring(0, scheme + 3) + user + ":***" + url.substring(at);
    }
}
