package io.consentry.video.io;

import io.consentry.image.RgbImage;
import io.consentry.video.VideoException;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameRecorder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Encodes RGB pictures (and optionally audio samples) to a video file with FFmpeg (JavaCV's
 * {@link FFmpegFrameRecorder}). The file is written under a temporary name beside the target and renamed into place
 * by {@link #commit()}; {@link #close()} without a commit deletes it, so a killed or failed job never leaves an
 * output that looks complete.
 *
 * <p>The container follows the target's extension (mp4, mov, mkv, webm, avi). The video codec is the one asked for
 * when this FFmpeg build can encode it in that container, else the container's usual codec; {@link #changes()} says
 * what differs from what was asked.
 */
public final class VideoWriter implements AutoCloseable {
    private final Path target;
    private final Path temp;
    private final FFmpegFrameRecorder recorder;
    private final List<String> changes;
    private final int width;
    private final int height;
    private Frame picture;
    private boolean committed;
    private boolean closed;

    private VideoWriter(Path target, Path temp, FFmpegFrameRecorder recorder, List<String> changes, int width, int height) {
        this.target = target;
        this.temp = temp;
        this.recorder = recorder;
        this.changes = changes;
        this.width = width;
        this.height = height;
    }

    /**
     * What to write.
     *
     * @param width          picture width in pixels (even numbers encode everywhere; odd sizes are padded by FFmpeg)
     * @param height         picture height in pixels
     * @param frameRate      frames per second
     * @param videoCodec     wanted {@code AV_CODEC_ID_*}, or {@code AV_CODEC_ID_NONE} for the container's default
     * @param videoBitrate   bits per second, 0 for a size-based default
     * @param audioChannels  0 for no audio
     * @param sampleRate     audio samples per second
     * @param audioCodec     wanted {@code AV_CODEC_ID_*} for audio, or none for the container's default
     * @param audioBitrate   bits per second, 0 for the default
     */
    public record Spec(int width, int height, double frameRate, int videoCodec, int videoBitrate, int audioChannels, int sampleRate,
                       int audioCodec, int audioBitrate) {
        public Spec {
            if (width <= 0 || height <= 0) {
                throw new IllegalArgumentException("video size must be positive");
            }
            if (!(frameRate > 0) || frameRate > 1000) {
                frameRate = 25;
            }
        }

        /** Silent video with the container's default codec. */
        public static Spec video(int width, int height, double frameRate) {
            return new Spec(width, height, frameRate, avcodec.AV_CODEC_ID_NONE, 0, 0, 0, avcodec.AV_CODEC_ID_NONE, 0);
        }

        /** The same picture size, rate, codecs and audio layout as an input being re-encoded. */
        public static Spec like(VideoReader in) {
            return new Spec(in.width(), in.height(), in.frameRate(), in.videoCodec(), in.videoBitrate(), in.audioChannels(), in.sampleRate(),
                    in.audioCodec(), in.audioBitrate());
        }
    }

    /**
     * Starts writing {@code target} (through a temporary file in the same folder).
     *
     * @throws VideoException when the folder is not writable, the extension names no supported container, or no
     *                        encoder is available
     */
    public static VideoWriter create(Path target, Spec spec) throws VideoException {
        Ffmpeg.init();
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new VideoException("output folder does not exist: " + dir);
        }
        if (!Files.isWritable(dir)) {
            throw new VideoException("output folder is not writable: " + dir);
        }
        if (Files.isDirectory(abs)) {
            throw new VideoException("output is a folder: " + abs);
        }
        String ext = extension(abs);
        Container c = Container.forExtension(ext);
        List<String> changes = new ArrayList<>();
        int vcodec = chooseVideoCodec(c, spec.videoCodec(), changes);
        Path temp;
        try {
            temp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".partial." + ext);
        } catch (IOException e) {
            throw new VideoException("cannot create a temporary file in " + dir + ": " + e.getMessage(), e);
        }
        int audio = spec.audioChannels();
        FFmpegFrameRecorder r = new FFmpegFrameRecorder(temp.toFile(), spec.width(), spec.height(), audio);
        r.setFormat(c.format);
        r.setVideoCodec(vcodec);
        r.setPixelFormat(vcodec == avcodec.AV_CODEC_ID_MJPEG ? avutil.AV_PIX_FMT_YUVJ420P : avutil.AV_PIX_FMT_YUV420P);
        r.setFrameRate(spec.frameRate());
        r.setGopSize((int) Math.max(1, Math.round(spec.frameRate() * 2)));
        long px = (long) spec.width() * spec.height();
        int bitrate = spec.videoBitrate() > 0 ? spec.videoBitrate() : (int) Math.min(20_000_000, Math.max(500_000, px * 4));
        r.setVideoBitrate(bitrate);
        if (vcodec == avcodec.AV_CODEC_ID_H264) {
            r.setVideoOption("preset", "veryfast");
        }
        if (vcodec == avcodec.AV_CODEC_ID_VP8 || vcodec == avcodec.AV_CODEC_ID_VP9) {
            r.setVideoOption("deadline", "realtime");
            r.setVideoOption("cpu-used", "8");
        }
        if (audio > 0) {
            int acodec = chooseAudioCodec(c, spec.audioCodec(), changes);
            r.setAudioCodec(acodec);
            r.setSampleRate(spec.sampleRate() > 0 ? spec.sampleRate() : 44100);
            r.setAudioBitrate(spec.audioBitrate() > 0 ? spec.audioBitrate() : 128_000);
        }
        try {
            r.start();
        } catch (FrameRecorder.Exception | RuntimeException e) {
            try {
                r.close();
            } catch (Exception ignored) {
                // reporting the start failure
            }
            deleteQuietly(temp);
            throw new VideoException("cannot write " + abs.getFileName() + " (" + c.format + ", " + Ffmpeg.codecName(vcodec) + "): "
                    + VideoReader.describe(e), e);
        }
        return new VideoWriter(abs, temp, r, changes, spec.width(), spec.height());
    }

    private static int chooseVideoCodec(Container c, int wanted, List<String> changes) throws VideoException {
        if (wanted != avcodec.AV_CODEC_ID_NONE && c.allowsVideo(wanted) && Ffmpeg.canEncode(wanted)) {
            return wanted;
        }
        for (int id : c.videoCodecs) {
            if (Ffmpeg.canEncode(id)) {
                if (wanted != avcodec.AV_CODEC_ID_NONE) {
                    changes.add("video re-encoded as " + Ffmpeg.codecName(id) + " (this build cannot write " + Ffmpeg.codecName(wanted)
                            + " into " + c.format + ")");
                }
                return id;
            }
        }
        throw new VideoException("no video encoder available for " + c.format);
    }

    private static int chooseAudioCodec(Container c, int wanted, List<String> changes) throws VideoException {
        if (wanted != avcodec.AV_CODEC_ID_NONE && c.allowsAudio(wanted) && Ffmpeg.canEncode(wanted)) {
            return wanted;
        }
        for (int id : c.audioCodecs) {
            if (Ffmpeg.canEncode(id)) {
                if (wanted != avcodec.AV_CODEC_ID_NONE) {
                    changes.add("audio re-encoded as " + Ffmpeg.codecName(id) + " (was " + Ffmpeg.codecName(wanted) + ")");
                }
                return id;
            }
        }
        throw new VideoException("no audio encoder available for " + c.format);
    }

    static String extension(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /** Whether the file name's extension names a container this writer supports. */
    public static boolean isVideoExtension(Path p) {
        return Container.isKnown(extension(p));
    }

    /** What differs from the requested output (codec changes), empty when nothing does. */
    public List<String> changes() {
        return List.copyOf(changes);
    }

    /** Appends a picture shown at {@code timestampMicros} (must not go backwards). */
    public void writeImage(RgbImage image, long timestampMicros) throws VideoException {
        if (image.width() != width || image.height() != height) {
            throw new IllegalArgumentException("picture is " + image.width() + "x" + image.height() + ", video is " + width + "x" + height);
        }
        if (picture == null) {
            picture = new Frame(width, height, Frame.DEPTH_UBYTE, 3);
        }
        ByteBuffer buf = (ByteBuffer) picture.image[0];
        int stride = picture.imageStride;
        int row = width * 3;
        for (int y = 0; y < height; y++) {
            buf.position(y * stride);
            buf.put(image.rgb(), y * row, row);
        }
        buf.rewind();
        try {
            if (timestampMicros > recorder.getTimestamp()) {
                recorder.setTimestamp(timestampMicros);
            }
            recorder.record(picture, avutil.AV_PIX_FMT_RGB24);
        } catch (FrameRecorder.Exception | RuntimeException e) {
            throw new VideoException("cannot encode a picture of " + target.getFileName() + ": " + VideoReader.describe(e), e);
        }
    }

    /** Appends audio samples decoded by a {@link VideoReader} (a frame with {@code samples}). */
    public void writeAudio(Frame samples) throws VideoException {
        try {
            recorder.recordSamples(samples.sampleRate, samples.audioChannels, samples.samples);
        } catch (FrameRecorder.Exception | RuntimeException e) {
            throw new VideoException("cannot encode audio of " + target.getFileName() + ": " + VideoReader.describe(e), e);
        }
    }

    /** Appends raw interleaved 16-bit audio (used to make test footage). */
    public void writeAudio(short[] interleaved, int sampleRate, int channels) throws VideoException {
        try {
            recorder.recordSamples(sampleRate, channels, java.nio.ShortBuffer.wrap(interleaved));
        } catch (FrameRecorder.Exception | RuntimeException e) {
            throw new VideoException("cannot encode audio of " + target.getFileName() + ": " + VideoReader.describe(e), e);
        }
    }

    /** Finishes the file and renames it to the target (replacing it). */
    public Path commit() throws VideoException {
        try {
            recorder.stop();
            recorder.release();
        } catch (FrameRecorder.Exception | RuntimeException e) {
            close();
            throw new VideoException("cannot finish " + target.getFileName() + ": " + VideoReader.describe(e), e);
        }
        try {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            close();
            throw new VideoException("cannot move the finished video to " + target + ": " + e.getMessage(), e);
        }
        committed = true;
        close();
        return target;
    }

    /** Releases the encoder; without a prior {@link #commit()} the partial file is deleted. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            recorder.close();
        } catch (Exception ignored) {
            // nothing more to do with a failed encoder
        }
        if (picture != null) {
            picture.close();
        }
        if (!committed) {
            deleteQuietly(temp);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort: the name marks it as partial
        }
    }

    /** Containers we write, with codecs in order of preference. */
    private enum Container {
        MP4("mp4", new int[]{avcodec.AV_CODEC_ID_H264, avcodec.AV_CODEC_ID_MPEG4}, new int[]{avcodec.AV_CODEC_ID_AAC}, "mp4", "m4v"),
        MOV("mov", new int[]{avcodec.AV_CODEC_ID_H264, avcodec.AV_CODEC_ID_MPEG4, avcodec.AV_CODEC_ID_MJPEG}, new int[]{avcodec.AV_CODEC_ID_AAC}, "mov"),
        MKV("matroska", new int[]{avcodec.AV_CODEC_ID_H264, avcodec.AV_CODEC_ID_MPEG4, avcodec.AV_CODEC_ID_VP8},
                new int[]{avcodec.AV_CODEC_ID_AAC, avcodec.AV_CODEC_ID_OPUS, avcodec.AV_CODEC_ID_VORBIS, avcodec.AV_CODEC_ID_MP3}, "mkv"),
        WEBM("webm", new int[]{avcodec.AV_CODEC_ID_VP8, avcodec.AV_CODEC_ID_VP9}, new int[]{avcodec.AV_CODEC_ID_OPUS, avcodec.AV_CODEC_ID_VORBIS}, "webm"),
        AVI("avi", new int[]{avcodec.AV_CODEC_ID_MPEG4, avcodec.AV_CODEC_ID_MJPEG}, new int[]{avcodec.AV_CODEC_ID_MP3, avcodec.AV_CODEC_ID_AC3, avcodec.AV_CODEC_ID_PCM_S16LE}, "avi");

        final String format;
        final int[] videoCodecs;
        final int[] audioCodecs;
        final String[] extensions;

        Container(String format, int[] videoCodecs, int[] audioCodecs, String... extensions) {
            this.format = format;
            this.videoCodecs = videoCodecs;
            this.audioCodecs = audioCodecs;
            this.extensions = extensions;
        }

        boolean allowsVideo(int id) {
            if (this == MKV) {
                return true; // matroska holds almost anything
            }
            for (int v : videoCodecs) {
                if (v == id) {
                    return true;
                }
            }
            return this == MOV || this == MP4 ? id == avcodec.AV_CODEC_ID_HEVC : false;
        }

        boolean allowsAudio(int id) {
            if (this == MKV) {
                return true;
            }
            for (int a : audioCodecs) {
                if (a == id) {
                    return true;
                }
            }
            return this == MP4 || this == MOV ? id == avcodec.AV_CODEC_ID_MP3 : false;
        }

        static boolean isKnown(String ext) {
            for (Container c : values()) {
                for (String e : c.extensions) {
                    if (e.equals(ext)) {
                        return true;
                    }
                }
            }
            return false;
        }

        static Container forExtension(String ext) throws VideoException {
            for (Container c : values()) {
                for (String e : c.extensions) {
                    if (e.equals(ext)) {
                        return c;
                    }
                }
            }
            throw new VideoException("cannot write '." + ext + "' files; use .mp4, .mov, .mkv, .webm or .avi");
        }
    }
}
