package io.consentry.geometry;

/**
 * An axis-aligned rectangle in image pixels: {@code x} (left) and {@code y} (top) of the top-left corner, then
 * width and height. Pixel (0,0) is the top-left pixel of the image; coordinates are continuous (a box
 * {@code [0,0,10,10]} covers pixels 0..9).
 */
public record Box(double x, double y, double width, double height) {
    public double right() {
        return x + width;
    }

    public double bottom() {
        return y + height;
    }

    public double area() {
        return Math.max(0, width) * Math.max(0, height);
    }

    /** Intersection over union with {@code o}; 0 when either is empty. */
    public double iou(Box o) {
        double iw = Math.min(right(), o.right()) - Math.max(x, o.x);
        double ih = Math.min(bottom(), o.bottom()) - Math.max(y, o.y);
        if (iw <= 0 || ih <= 0) {
            return 0;
        }
        double inter = iw * ih;
        return inter / (area() + o.area() - inter);
    }

    /**
     * face-api.js's {@code clipAtImageBorders}: clip to the image, then floor every field. The result may be empty
     * (width or height &lt;= 0) when the box lies outside the image.
     */
    public PixelRect clipAndFloor(int imageWidth, int imageHeight) {
        double cx = Math.max(x, 0);
        double cy = Math.max(y, 0);
        double w = Math.min(right() - cx, imageWidth - cx);
        double h = Math.min(bottom() - cy, imageHeight - cy);
        return new PixelRect((int) Math.floor(cx), (int) Math.floor(cy), (int) Math.floor(w), (int) Math.floor(h));
    }
}
