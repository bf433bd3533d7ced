package io.consentry.eval;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A verification protocol read from disk: LFW's {@code pairs.txt} (first line {@code FOLDS N}, then per fold N
 * matched lines {@code name i j} and N mismatched lines {@code nameA i nameB j}; images at
 * {@code DIR/name/name_%04d.jpg}) or a CSV {@code a,b,same} (paths relative to the images folder or absolute,
 * optional header, same = 1/0 or true/false; split into 10 folds in file order).
 *
 * <p>Malformed lines and pairs naming missing images are not fatal: they are listed in {@link #problems()} with file
 * and line, and left out of {@link #pairs()}.
 *
 * @param pairs    usable pairs
 * @param problems one message per skipped line
 * @param folds    number of folds
 */
public record PairsFile(List<VerificationPair> pairs, List<String> problems, int folds) {

    public static PairsFile read(Path file, Path imagesDir) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        String first = lines.isEmpty() ? "" : lines.get(0).trim();
        if (first.matches("\\d+\\s+\\d+")) {
            return readLfw(file, lines, imagesDir);
        }
        return readCsv(file, lines, imagesDir);
    }

    private static PairsFile readLfw(Path file, List<String> lines, Path dir) {
        String[] head = lines.get(0).trim().split("\\s+");
        int folds = Integer.parseInt(head[0]);
        int perHalf = Integer.parseInt(head[1]);
        List<VerificationPair> pairs = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String src = file.getFileName() + ":" + (i + 1);
            String line = lines.get(i).trim();
            if (line.isEmpty()) {
                continue;
            }
            int fold = Math.min(folds - 1, (i - 1) / (2 * perHalf));
            String[] f = line.split("\\s+");
            try {
                VerificationPair p;
                if (f.length == 3) {
                    p = new VerificationPair(lfwPath(dir, f[0], f[1]), lfwPath(dir, f[0], f[2]), true, fold, src);
                } else if (f.length == 4) {
                    p = new VerificationPair(lfwPath(dir, f[0], f[1]), lfwPath(dir, f[2], f[3]), false, fold, src);
                } else {
                    problems.add(src + ": malformed line (expected 3 or 4 fields, got " + f.length + ")");
                    continue;
                }
                if (checkExists(p, problems)) {
                    pairs.add(p);
                }
            } catch (NumberFormatException e) {
                problems.add(src + ": malformed image number in \"" + line + "\"");
            }
        }
        return new PairsFile(List.copyOf(pairs), List.copyOf(problems), folds);
    }

    private static Path lfwPath(Path dir, String name, String index) {
        int n = Integer.parseInt(index);
        return dir.resolve(name).resolve(String.format("%s_%04d.jpg", name, n));
    }

    private static PairsFile readCsv(Path file, List<String> lines, Path dir) {
        List<String[]> rows = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String src = file.getFileName() + ":" + (i + 1);
            String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\\s*,\\s*");
            if (i == 0 && f.length == 3 && !isLabel(f[2])) {
                continue; // header
            }
            if (f.length != 3 || !isLabel(f[2])) {
                problems.add(src + ": malformed line (expected a,b,same with same = 1/0)");
                continue;
            }
            rows.add(f);
            sources.add(src);
        }
        int folds = 10;
        List<VerificationPair> pairs = new ArrayList<>();
        for (int k = 0; k < rows.size(); k++) {
            String[] f = rows.get(k);
            int fold = (int) ((long) k * folds / rows.size());
            VerificationPair p = new VerificationPair(dir.resolve(f[0]), dir.resolve(f[1]),
                    f[2].equals("1") || f[2].equalsIgnoreCase("true"), fold, sources.get(k));
            if (checkExists(p, problems)) {
                pairs.add(p);
            }
        }
        return new PairsFile(List.copyOf(pairs), List.copyOf(problems), folds);
    }

    private static boolean isLabel(String s) {
        return s.equals("0") || s.equals("1") || s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false");
    }

    private static boolean checkExists(VerificationPair p, List<String> problems) {
        for (Path img : List.of(p.a(), p.b())) {
            if (!Files.isRegularFile(img)) {
                problems.add(p.source() + ": image not found: " + img);
                return false;
            }
        }
        return true;
    }
}
