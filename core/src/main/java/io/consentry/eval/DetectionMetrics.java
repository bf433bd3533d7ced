package io.consentry.eval;

import io.consentry.geometry.Box;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Average precision of a face detector at an IoU threshold (PASCAL VOC style, all-point interpolation). Detections
 * are matched greedily by falling score to the unmatched ground-truth box of highest IoU; a detection whose best
 * match is an ignored box (invalid, or below the minimum height) counts neither as true nor false positive.
 */
public final class DetectionMetrics {
    private DetectionMetrics() {
    }

    /** A detection with its image index. */
    public record Scored(int image, Box box, double score) {
    }

    public record PrPoint(double recall, double precision, double score) {
    }

    /**
     * @param ap         average precision
     * @param positives  ground-truth boxes that count
     * @param missed     per image, the counted ground-truth boxes no detection matched
     */
    public record Result(double ap, int positives, List<PrPoint> curve, List<List<Box>> missed) {
    }

    /** Evaluates; {@code minHeight} = 0 counts every valid box. */
    public static Result evaluate(List<DetectionGroundTruth.GtImage> gt, List<Scored> detections, double iou, double minHeight) {
        int positives = 0;
        List<boolean[]> matched = new ArrayList<>();
        List<boolean[]> ignored = new ArrayList<>();
        for (DetectionGroundTruth.GtImage g : gt) {
            boolean[] ign = new boolean[g.boxes().size()];
            for (int k = 0; k < ign.length; k++) {
                DetectionGroundTruth.GtBox b = g.boxes().get(k);
                ign[k] = b.invalid() || b.box().height() < minHeight;
                positives += ign[k] ? 0 : 1;
            }
            ignored.add(ign);
            matched.add(new boolean[ign.length]);
        }
        List<Scored> sorted = new ArrayList<>(detections);
        sorted.sort(Comparator.comparingDouble(Scored::score).reversed());
        List<PrPoint> curve = new ArrayList<>();
        int tp = 0;
        int fp = 0;
        for (Scored d : sorted) {
            List<DetectionGroundTruth.GtBox> boxes = gt.get(d.image()).boxes();
            boolean[] ign = ignored.get(d.image());
            boolean[] used = matched.get(d.image());
            int best = -1;
            double bestIou = 0;
            boolean touchesIgnored = false;
            for (int k = 0; k < boxes.size(); k++) {
                double o = boxes.get(k).box().iou(d.box());
                if (o < iou) {
                    continue;
                }
                if (ign[k]) {
                    touchesIgnored = true;
                } else if (!used[k] && o > bestIou) {
                    best = k;
                    bestIou = o;
                }
            }
            if (best >= 0) {
                used[best] = true;
                tp++;
            } else if (touchesIgnored) {
                continue;
            } else {
                fp++;
            }
            curve.add(new PrPoint(positives == 0 ? 0 : (double) tp / positives, (double) tp / (tp + fp), d.score()));
        }
        double ap = 0;
        double prevRecall = 0;
        for (int i = 0; i < curve.size(); i++) {
            double maxPrec = 0;
            for (int j = i; j < curve.size(); j++) {
                maxPrec = Math.max(maxPrec, curve.get(j).precision());
            }
            ap += (curve.get(i).recall() - prevRecall) * maxPrec;
            prevRecall = curve.get(i).recall();
        }
        List<List<Box>> missed = new ArrayList<>();
        for (int img = 0; img < gt.size(); img++) {
            List<Box> m = new ArrayList<>();
            for (int k = 0; k < gt.get(img).boxes().size(); k++) {
                if (!ignored.get(img)[k] && !matched.get(img)[k]) {
                    m.add(gt.get(img).boxes().get(k).box());
                }
            }
            missed.add(m);
        }
        return new Result(ap, positives, curve, missed);
    }
}
