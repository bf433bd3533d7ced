package io.consentry.geometry;

/** A point in image pixels, x to the right, y down, origin at the top-left corner of the image. */
public record Point(double x, double y) {
    public double distance(Point o) {
        return Math.hypot(x - o.x, y - o.y);
    }

    public static Point mean(java.util.List<Point> pts) {
        double sx = 0;
        double sy = 0;
        for (Point p : pts) {
            sx += p.x;
            sy += p.y;
        }
        return new Point(sx / pts.size(), sy / pts.size());
    }
}
