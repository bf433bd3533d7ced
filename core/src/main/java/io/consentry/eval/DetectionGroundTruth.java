package io.consentry.eval;

import io.consentry.geometry.Box;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * WIDER FACE ground truth in the official text format: image path, box count, then one line per box
 * {@code x y w h blur expression illumination invalid occlusion pose}. (A count of 0 is followed by one all-zero line.)
 */
public final class DetectionGroundTruth {
    private DetectionGroundTruth() {
    }

    /** One ground-truth face; {@code invalid} boxes are ignored by the standard evaluation. */
    public record GtBox(Box box, boolean invalid) {
    }

    public record GtImage(String path, List<GtBox> boxes) {
    }

    /** Parsed images and one message per malformed entry (file:line). */
    public record GroundTruth(List<GtImage> images, List<String> problems) {
    }

    public static GroundTruth read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<GtImage> images = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int i = 0;
        while (i < lines.size()) {
            String name = lines.get(i).trim();
            int headerLine = i + 1;
            i++;
            if (name.isEmpty()) {
                continue;
            }
            if (i >= lines.size()) {
                problems.add(file.getFileName() + ":" + headerLine + ": image without a box count");
                break;
            }
            int n;
            try {
                n = Integer.parseInt(lines.get(i).trim());
            } catch (NumberFormatException e) {
                problems.add(file.getFileName() + ":" + (i + 1) + ": expected a box count after " + name);
                continue;
            }
            i++;
            List<GtBox> boxes = new ArrayList<>();
            int rows = Math.max(n, 1);
            for (int k = 0; k < rows && i < lines.size(); k++, i++) {
                if (n == 0) {
                    continue;
                }
                String[] f = lines.get(i).trim().split("\\s+");
                try {
                    boxes.add(new GtBox(new Box(Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                            Double.parseDouble(f[3])), f.length > 7 && f[7].equals("1")));
                } catch (RuntimeException e) {
                    problems.add(file.getFileName() + ":" + (i + 1) + ": malformed box line");
                }
            }
            images.add(new GtImage(name, List.copyOf(boxes)));
        }
        return new GroundTruth(List.copyOf(images), List.copyOf(problems));
    }
}
