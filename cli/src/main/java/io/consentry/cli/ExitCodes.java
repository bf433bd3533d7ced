package io.consentry.cli;

/** Process exit codes of the {@code consentry} command. */
public final class ExitCodes {
    public static final int OK = 0;
    /** No face where one was needed. */
    public static final int NO_FACE = 1;
    /** Bad command line. */
    public static final int USAGE = 2;
    /** Bad input: unreadable, corrupt, too large or unsupported image or file. */
    public static final int BAD_INPUT = 3;
    /** Model pack missing, corrupt or unusable (ONNX file, tarball integrity). */
    public static final int MODEL = 4;
    /** Anything unexpected (a bug): one line on stderr, details with CONSENTRY_DEBUG=1. */
    public static final int INTERNAL = 70;

    private ExitCodes() {
    }
}
