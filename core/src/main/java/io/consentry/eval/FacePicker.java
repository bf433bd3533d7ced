package io.consentry.eval;

import io.consentry.engine.Face;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Which face of an image a protocol means: LFW-style images are centred on the subject. */
public final class FacePicker {
    private FacePicker() {
    }

    /** The face whose box centre is nearest the image centre (ties: the larger). */
    public static Optional<Face> central(List<Face> faces, int width, int height) {
        double cx = width / 2.0;
        double cy = height / 2.0;
        return faces.stream().min(Comparator.comparingDouble((Face f) -> Math.hypot(f.box().x() + f.box().width() / 2 - cx,
                f.box().y() + f.box().height() / 2 - cy)).thenComparing(f -> -f.box().area()));
    }
}
