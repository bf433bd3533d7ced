package io.consentry.video.io;

import io.consentry.image.RgbImage;
import io.consentry.video.VideoException;
import io.consentry.video.VideoFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;

/**
 * Decodes a {@link SourceLocation} with FFmpeg (JavaCV's {@link FFmpegFrameGrabber}) into RGB {@link VideoFrame}s,
 * keeping presentation timestamps. One reader per thread; {@link #close()} frees the native decoder.
 *
 * <p>Network reads time out after {@link VideoReaderOptions#readTimeout()} so a stalled stream ends in an
 * exception instead of a hung thread. A picture larger than {@link VideoReaderOptions#maxPixels()} is refused when
 * the stream is opened.
 */
public final class VideoReader implements AutoCloseable {
    private final SourceLocation source;
    private final FFmpegFrameGrabber grabber;
    private final VideoReaderOptions options;
    private long index;
    private boolean closed;

    private VideoReader(SourceLocation source, FFmpegFrameGrabber grabber, VideoReaderOptions options) {
        this.source = source;
        this.grabber = grabber;
        this.options = options;
    }

    /** Opens with default options. */
    public static VideoReader open(SourceLocation source) throws VideoException {
        return open(source, VideoReaderOptions.defaults());
    }

    /**
     * Opens the source and reads its stream headers.
     *
     * @throws VideoException when the file is missing, is not a video, uses an unsupported codec, or the stream
     *                        cannot be reached within the timeout
     */
    public static VideoReader open(SourceLocation source, VideoReaderOptions options) throws VideoException {
        Ffmpeg.init();
        if (source.kind() == SourceLocation.Kind.FILE) {
            try {
                source.checkedFile();
            } catch (IOException e) {
                throw new VideoException(e.getMessage());
            }
        }
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(source.location());
        source.format().ifPresent(g::setFormat);
        g.setPixelFormat(avutil.AV_PIX_FMT_RGB24);
        long timeoutMicros = options.readTimeout().toNanos() / 1000;
        if (source.kind() == SourceLocation.Kind.STREAM) {
            g.setOption("rw_timeout", Long.toString(timeoutMicros));
            g.setOption("timeout", Long.toString(timeoutMicros)); // rtsp socket timeout
            if (source.location().toLowerCase().startsWith("rtsp")) {
                g.setOption("rtsp_transport", "tcp");
            }
        }
        g.setTimeout((int) Math.min(Integer.MAX_VALUE, options.readTimeout().toMillis()));
        try {
            g.start();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            closeQuietly(g);
            throw new VideoException("cannot open " + source + ": " + describe(e), e);
        }
        try {
            if (g.getVideoStream() < 0 || g.getImageWidth() <= 0 || g.getImageHeight() <= 0) {
                throw new VideoException(source + " has no video stream (is it a video file or stream?)");
            }
            long px = (long) g.getImageWidth() * g.getImageHeight();
            if (px > options.maxPixels()) {
                throw new VideoException(source + ": " + g.getImageWidth() + "x" + g.getImageHeight() + " exceeds the limit of "
                        + options.maxPixels() + " pixels per frame");
            }
        } catch (VideoException e) {
            closeQuietly(g);
            throw e;
        }
        return new VideoReader(source, g, options);
    }

    public SourceLocation source() {
        return source;
    }

    /** Picture width in pixels. */
    public int width() {
        return grabber.getImageWidth();
    }

    /** Picture height in pixels. */
    public int height() {
        return grabber.getImageHeight();
    }

    /** Frames per second as declared by the container (may be approximate; 0 when unknown). */
    public double frameRate() {
        return grabber.getFrameRate();
    }

    /** Number of video frames the container declares, or 0 when unknown (streams). */
    public long declaredFrames() {
        return Math.max(0, grabber.getLengthInVideoFrames());
    }

    /** Duration declared by the container, or empty for streams. */
    public Optional<Duration> declaredDuration() {
        long us = grabber.getLengthInTime();
        return us > 0 ? Optional.of(Duration.ofNanos(us * 1000)) : Optional.empty();
    }

    /** FFmpeg's name of the container format, e.g. {@code mov,mp4,m4a,3gp,3g2,mj2}. */
    public String formatName() {
        return String.valueOf(grabber.getFormat());
    }

    /** {@code AV_CODEC_ID_*} of the video stream. */
    public int videoCodec() {
        return grabber.getVideoCodec();
    }

    /** Audio channels, 0 when the input has no audio. */
    public int audioChannels() {
        return grabber.getAudioStream() >= 0 ? grabber.getAudioChannels() : 0;
    }

    public int sampleRate() {
        return grabber.getSampleRate();
    }

    /** {@code AV_CODEC_ID_*} of the audio stream. */
    public int audioCodec() {
        return grabber.getAudioCodec();
    }

    public int audioBitrate() {
        return grabber.getAudioBitrate();
    }

    public int videoBitrate() {
        return grabber.getVideoBitrate();
    }

    /**
     * The next picture, or empty at the end of a file.
     *
     * @throws VideoException on a decode or network error (including a read timeout)
     */
    public Optional<VideoFrame> next() throws VideoException {
        while (true) {
            Frame f = grab(false);
            if (f == null) {
                return Optional.empty();
            }
            if (f.image != null) {
                return Optional.of(toVideoFrame(f));
            }
        }
    }

    /**
     * The next picture or block of audio samples (for re-muxing), or {@code null} at the end. The returned frame is
     * owned by the reader and valid until the next call; pictures are RGB24.
     */
    public Frame nextMedia() throws VideoException {
        return grab(true);
    }

    /** Converts a picture returned by {@link #nextMedia()} and advances the picture counter. */
    public VideoFrame toVideoFrame(Frame f) {
        return new VideoFrame(index++, f.timestamp, toRgb(f));
    }

    private Frame grab(boolean audio) throws VideoException {
        if (closed) {
            throw new IllegalStateException("reader is closed");
        }
        try {
            return grabber.grabFrame(audio, true, true, false, true);
        } catch (FrameGrabber.Exception | RuntimeException e) {
            throw new VideoException("cannot decode " + source + " after frame " + index + ": " + describe(e), e);
        }
    }

    /** Copies an RGB24 JavaCV frame (any row stride) into an {@link RgbImage}. */
    static RgbImage toRgb(Frame f) {
        int w = f.imageWidth;
        int h = f.imageHeight;
        ByteBuffer buf = (ByteBuffer) f.image[0];
        int stride = f.imageStride;
        byte[] out = new byte[w * h * 3];
        int row = w * 3;
        ByteBuffer b = buf.duplicate();
        for (int y = 0; y < h; y++) {
            b.position(y * stride);
            b.get(out, y * row, row);
        }
        return new RgbImage(w, h, out);
    }

    static String describe(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        // JavaCV appends hints meant for developers; FFmpeg messages can carry the URL: never echo credentials
        m = m.replace("(Has setFormat() been called?)", "").replace("(For more details, make sure FFmpegLogCallback.set() has been called.)", "");
        return SourceLocation.redactCredentials(m.replace('\n', ' ').replaceAll("\\s+", " ").strip());
    }

    private static void closeQuietly(FFmpegFrameGrabber g) {
        try {
            g.close();
        } catch (Exception ignored) {
            // already failing; the first error is reported
        }
    }

    public VideoReaderOptions options() {
        return options;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            closeQuietly(grabber);
        }
    }
}
