package io.consentry.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.consentry.eval.ScoredPair;
import io.consentry.eval.VerificationMetrics;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes {@code summary.json}, {@code roc.png}, {@code det.png} and {@code scores.png} for a verification run. */
final class VerificationReportWriter {
    private VerificationReportWriter() {
    }

    static void write(Path dir, VerificationSummary sum, List<ScoredPair> scored, VerificationMetrics.Report rep) throws IOException {
        Files.createDirectories(dir);
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(dir.resolve("summary.json").toFile(), sum);
        double[] gen = VerificationMetrics.scores(scored, true);
        double[] imp = VerificationMetrics.scores(scored, false);
        List<double[]> roc = VerificationMetrics.roc(gen, imp);
        double floor = imp.length == 0 ? 1e-4 : Math.min(1e-4, 0.5 / imp.length);

        XYChart rocChart = new XYChartBuilder().width(800).height(600).title(String.format("ROC — accuracy %.2f%%, AUC %.5f", 100 * sum.accuracy(), sum.auc()))
                .xAxisTitle("false match rate (log)").yAxisTitle("true accept rate").build();
        rocChart.getStyler().setXAxisLogarithmic(true).setLegendVisible(false).setMarkerSize(0);
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (double[] p : roc) {
            x.add(Math.max(floor, p[0]));
            y.add(p[1]);
        }
        XYSeries s = rocChart.addSeries("ROC", x, y);
        s.setMarker(SeriesMarkers.NONE);
        save(rocChart, dir.resolve("roc.png"));

        XYChart det = new XYChartBuilder().width(800).height(600).title(String.format("DET — EER %.2f%%", 100 * sum.eer()))
                .xAxisTitle("false match rate (log)").yAxisTitle("false non-match rate (log)").build();
        det.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(true).setLegendVisible(false).setMarkerSize(0);
        List<Double> dx = new ArrayList<>();
        List<Double> dy = new ArrayList<>();
        double gFloor = gen.length == 0 ? 1e-4 : Math.min(1e-4, 0.5 / gen.length);
        for (double[] p : roc) {
            dx.add(Math.max(floor, p[0]));
            dy.add(Math.max(gFloor, 1 - p[1]));
        }
        det.addSeries("DET", dx, dy).setMarker(SeriesMarkers.NONE);
        save(det, dir.resolve("det.png"));

        XYChart hist = new XYChartBuilder().width(800).height(600)
                .title(String.format("Scores — threshold %.2f: FMR %.3f%%, FNMR %.3f%%", sum.defaultThreshold(), 100 * sum.fmrAtDefault(), 100 * sum.fnmrAtDefault()))
                .xAxisTitle("cosine similarity").yAxisTitle("pairs").build();
        hist.getStyler().setMarkerSize(0);
        int bins = 60;
        addHistogram(hist, "genuine", gen, bins);
        addHistogram(hist, "impostor", imp, bins);
        double maxCount = 0;
        for (XYSeries series : hist.getSeriesMap().values()) {
            for (double v : series.getYData()) {
                maxCount = Math.max(maxCount, v);
            }
        }
        hist.addSeries("threshold", new double[] {sum.defaultThreshold(), sum.defaultThreshold()}, new double[] {0, maxCount})
                .setMarker(SeriesMarkers.NONE);
        save(hist, dir.resolve("scores.png"));
    }

    private static void addHistogram(XYChart chart, String name, double[] values, int bins) {
        double lo = -0.2;
        double hi = 1.0;
        double[] counts = new double[bins];
        double[] centres = new double[bins];
        for (int i = 0; i < bins; i++) {
            centres[i] = lo + (i + 0.5) * (hi - lo) / bins;
        }
        for (double v : values) {
            if (Double.isFinite(v)) {
                int b = (int) Math.floor((Math.min(hi - 1e-9, Math.max(lo, v)) - lo) / (hi - lo) * bins);
                counts[b]++;
            }
        }
        chart.addSeries(name, centres, counts).setMarker(SeriesMarkers.NONE);
    }

    private static void save(XYChart chart, Path file) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        BitmapEncoder.saveBitmap(chart, tmp.toString(), BitmapEncoder.BitmapFormat.PNG);
        Path written = tmp.resolveSibling(tmp.getFileName() + ".png"); // XChart appends the extension
        Files.move(Files.exists(written) ? written : tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
