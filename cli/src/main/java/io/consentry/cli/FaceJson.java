package io.consentry.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.consentry.embed.Embedding;
import io.consentry.engine.Face;
import io.consentry.geometry.Point;

import java.util.List;

/**
 * JSON shape of one face: box {x, y, width, height} and points [x, y] in image pixels; descriptor only where asked.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FaceJson(BoxJson box, double score, List<double[]> landmarks5, List<double[]> landmarks68, float[] descriptor) {
    public record BoxJson(double x, double y, double width, double height) {
    }

    static FaceJson of(Face f, Embedding e) {
        return new FaceJson(new BoxJson(round(f.box().x()), round(f.box().y()), round(f.box().width()), round(f.box().height())),
                f.score(), points(f.landmarks5()), points(f.landmarks68()), e == null ? null : e.vector());
    }

    private static List<double[]> points(List<Point> pts) {
        return pts.stream().map(p -> new double[] {round(p.x()), round(p.y())}).toList();
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
