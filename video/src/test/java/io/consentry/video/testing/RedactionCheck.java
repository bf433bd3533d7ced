package io.consentry.video.testing;

import io.consentry.geometry.Box;
import io.consentry.image.RgbImage;
import io.consentry.video.VideoFrame;
import io.consentry.video.io.SourceLocation;
import io.consentry.video.io.VideoReader;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Counts ground-truth face-frames left visible in a video redacted with solid fill: reads the output file back and,
 * for every face the ground truth places in a frame, looks at the central half of its face box (the eyes, nose and
 * mouth). The face counts as redacted when at least 90 % of those pixels are near black (every channel below 48,
 * leaving room for encoder noise); LFW faces on our background never are.
 */
public final class RedactionCheck {
    /** Missed face-frames out of all face-frames, and where (frame, walker) the first few were. */
    public record Missed(long faceFrames, long missed, List<String> examples, long framesRead) {
        public double fraction() {
            return faceFrames == 0 ? 0 : missed / (double) faceFrames;
        }
    }

    private RedactionCheck() {
    }

    public static Missed filled(Path redacted, SyntheticFootage.Footage truth) throws Exception {
        long faceFrames = 0;
        long missed = 0;
        List<String> examples = new ArrayList<>();
        long n = 0;
        try (VideoReader r = VideoReader.open(SourceLocation.parse(redacted.toString()))) {
            Optional<VideoFrame> f;
            while ((f = r.next()).isPresent()) {
                int i = (int) f.get().index();
                n++;
                if (i >= truth.truth().size()) {
                    break;
                }
                for (SyntheticFootage.TruthFace face : truth.truth().get(i)) {
                    faceFrames++;
                    if (!isBlack(f.get().image(), face.face())) {
                        missed++;
                        if (examples.size() < 10) {
                            examples.add("frame " + i + " walker " + face.walkerId());
                        }
                    }
                }
            }
        }
        return new Missed(faceFrames, missed, examples, n);
    }

    static boolean isBlack(RgbImage img, Box face) {
        int x0 = (int) Math.max(0, face.x() + face.width() * 0.25);
        int y0 = (int) Math.max(0, face.y() + face.height() * 0.25);
        int x1 = (int) Math.min(img.width(), face.right() - face.width() * 0.25);
        int y1 = (int) Math.min(img.height(), face.bottom() - face.height() * 0.25);
        long dark = 0;
        long all = 0;
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                all++;
                if (img.get(x, y, 0) < 48 && img.get(x, y, 1) < 48 && img.get(x, y, 2) < 48) {
                    dark++;
                }
            }
        }
        return all == 0 || dark >= 0.9 * all;
    }
}
