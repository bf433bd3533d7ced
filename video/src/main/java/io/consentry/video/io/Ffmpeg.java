package io.consentry.video.io;

import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegLogCallback;

/**
 * One-time FFmpeg setup: native libraries loaded, FFmpeg's own log limited to errors and routed through JavaCV's
 * callback (so nothing is printed for every frame), and encoder lookups.
 */
public final class Ffmpeg {
    private static volatile boolean ready;

    private Ffmpeg() {
    }

    /** Loads the native libraries once (a few hundred ms the first time). */
    public static synchronized void init() {
        if (!ready) {
            avutil.av_log_set_level(avutil.AV_LOG_FATAL);
            FFmpegLogCallback.setLevel(avutil.AV_LOG_FATAL);
            ready = true;
        }
    }

    /** Whether this FFmpeg build can encode the codec with the given {@code AV_CODEC_ID_*}. */
    public static boolean canEncode(int codecId) {
        init();
        return codecId != avcodec.AV_CODEC_ID_NONE && avcodec.avcodec_find_encoder(codecId) != null;
    }

    /** FFmpeg's short name of a codec id, e.g. {@code h264}. */
    public static String codecName(int codecId) {
        init();
        return avcodec.avcodec_get_name(codecId).getString();
    }

    /** FFmpeg's version string, for diagnostics. */
    public static String version() {
        init();
        return avutil.av_version_info().getString();
    }
}
