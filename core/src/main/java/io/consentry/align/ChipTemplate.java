package io.consentry.align;

/**
 * The frontal mean face used by {@link Alignment#CHIP_68}: landmark points 17-67 (brows, nose, eyes, mouth, iBUG
 * order), scaled so they span [0, 1] horizontally with the top-most point at y = 0 (x right, y down).
 *
 * <p>Derived by us, not copied: the generalised-Procrustes mean of the 68-point landmarks our pipeline finds on the
 * 139 faces of ../shared/datasets/wider-face-val-subset that are at least 100 px high with score &gt;= 0.9, levelled
 * (eye centres horizontal) and averaged with its mirror image. Regenerate with
 * {@code io.consentry.tools.MeanShapeTool} (core test sources).
 */
final class ChipTemplate {
    static final double[] X = {0.00000, 0.07521, 0.17391, 0.26583, 0.34572, 0.65428, 0.73417, 0.82609, 0.92479, 1.00000, 0.50000, 0.50000, 0.50000, 0.50000, 0.39464, 0.44120, 0.50000, 0.55880, 0.60536, 0.12671, 0.18119, 0.26275, 0.33565, 0.27056, 0.18631, 0.66435, 0.73725, 0.81881, 0.87329, 0.81369, 0.72944, 0.26912, 0.35089, 0.44937, 0.50000, 0.55063, 0.64911, 0.73088, 0.64842, 0.57353, 0.50000, 0.42647, 0.35158, 0.28732, 0.42972, 0.50000, 0.57028, 0.71268, 0.56771, 0.50000, 0.43229};
    static final double[] Y = {0.06661, 0.01450, 0.00000, 0.01279, 0.04187, 0.04187, 0.01279, 0.00000, 0.01450, 0.06661, 0.23404, 0.35191, 0.45946, 0.56175, 0.62983, 0.64549, 0.66159, 0.64549, 0.62983, 0.20712, 0.18279, 0.18086, 0.22225, 0.24714, 0.24559, 0.22225, 0.18086, 0.18279, 0.20712, 0.24559, 0.24714, 0.84148, 0.80360, 0.77254, 0.78354, 0.77254, 0.80360, 0.84148, 0.91718, 0.95655, 0.96724, 0.95655, 0.91718, 0.84273, 0.83146, 0.83160, 0.83146, 0.84273, 0.87906, 0.88737, 0.87906};

    private ChipTemplate() {
    }
}
