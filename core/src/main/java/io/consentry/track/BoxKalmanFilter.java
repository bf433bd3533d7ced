package io.consentry.track;

import io.consentry.geometry.Box;

/**
 * Constant-velocity Kalman filter on one face box. State: centre x, centre y, width, height (pixels) and their
 * velocities (pixels per frame); the measurement is a detected box.
 *
 * <p>Width and height are tracked separately rather than SORT's area and aspect ratio: both stay in pixels, a size
 * velocity cannot drive an area negative through a product, and the aspect ratio of a face box changes with head
 * pose anyway. Noise follows DeepSORT / BoT-SORT: standard deviations proportional to the box size (position and
 * measurement {@value #POSITION_NOISE} of the box side, velocity {@value #VELOCITY_NOISE} per frame; x and width use
 * the width, y and height the height). With that diagonal noise the 8-state filter splits exactly into four
 * independent (value, velocity) filters, which this class runs in closed form: no matrices, no allocation.
 *
 * <p>Mutable, not thread-safe; owned by one track.
 */
final class BoxKalmanFilter {
    /** Position and measurement standard deviation, as a fraction of the box side. */
    static final double POSITION_NOISE = 1.0 / 20;
    /** Velocity process standard deviation per frame, as a fraction of the box side. */
    static final double VELOCITY_NOISE = 1.0 / 160;
    /** Smallest width and height the filter lets a box shrink to, pixels. */
    static final double MIN_SIZE = 1;

    // index 0 = centre x, 1 = centre y, 2 = width, 3 = height
    private final double[] value = new double[4];
    private final double[] velocity = new double[4];
    private final double[] varValue = new double[4];
    private final double[] covariance = new double[4];
    private final double[] varVelocity = new double[4];

    /** Starts at {@code box} with zero velocity and a wide velocity prior. */
    BoxKalmanFilter(Box box) {
        measurement(box, value);
        double sw = Math.max(MIN_SIZE, value[2]);
        double sh = Math.max(MIN_SIZE, value[3]);
        for (int k = 0; k < 4; k++) {
            double s = (k & 1) == 0 ? sw : sh;
            varValue[k] = square(2 * POSITION_NOISE * s);
            varVelocity[k] = square(10 * VELOCITY_NOISE * s);
        }
        clampSize();
    }

    /** Advances the state by {@code frames} (> 0) frames of constant velocity; process noise grows linearly. */
    void predict(long frames) {
        if (frames <= 0) {
            return;
        }
        double dt = frames;
        double sw = Math.max(MIN_SIZE, value[2]);
        double sh = Math.max(MIN_SIZE, value[3]);
        for (int k = 0; k < 4; k++) {
            double s = (k & 1) == 0 ? sw : sh;
            double a = varValue[k];
            double b = covariance[k];
            double c = varVelocity[k];
            value[k] += velocity[k] * dt;
            varValue[k] = a + 2 * dt * b + dt * dt * c + square(POSITION_NOISE * s) * dt;
            covariance[k] = b + dt * c;
            varVelocity[k] = c + square(VELOCITY_NOISE * s) * dt;
        }
        clampSize();
    }

    /** Corrects the state with a detected box. */
    void update(Box box) {
        double sw = Math.max(MIN_SIZE, value[2]);
        double sh = Math.max(MIN_SIZE, value[3]);
        double zx = box.x() + box.width() / 2;
        double zy = box.y() + box.height() / 2;
        for (int k = 0; k < 4; k++) {
            double z = k == 0 ? zx : k == 1 ? zy : k == 2 ? box.width() : box.height();
            double s = (k & 1) == 0 ? sw : sh;
            double a = varValue[k];
            double b = covariance[k];
            double innovationVar = a + square(POSITION_NOISE * s);
            double gainValue = a / innovationVar;
            double gainVelocity = b / innovationVar;
            double innovation = z - value[k];
            value[k] += gainValue * innovation;
            velocity[k] += gainVelocity * innovation;
            varValue[k] = a - gainValue * a;
            covariance[k] = b - gainValue * b;
            varVelocity[k] = varVelocity[k] - gainVelocity * b;
        }
        clampSize();
    }

    /** The current estimate as a box (pixels, top-left origin). */
    Box box() {
        return new Box(value[0] - value[2] / 2, value[1] - value[3] / 2, value[2], value[3]);
    }

    private void clampSize() {
        for (int k = 2; k < 4; k++) {
            if (value[k] < MIN_SIZE) {
                value[k] = MIN_SIZE;
                velocity[k] = Math.max(0, velocity[k]);
            }
        }
    }

    private static void measurement(Box box, double[] out) {
        out[0] = box.x() + box.width() / 2;
        out[1] = box.y() + box.height() / 2;
        out[2] = box.width();
        out[3] = box.height();
    }

    private static double square(double v) {
        return v * v;
    }
}
