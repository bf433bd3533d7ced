package io.consentry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consentry.embed.Embedding;
import io.consentry.eval.ScoredPair;
import io.consentry.eval.VerificationPair;
import io.consentry.eval.VerificationRunner;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Scores a protocol from face-api.js's own outputs ({@code ref.mjs --out} JSON files of the reference harness), with
 * the same face choice (nearest the image centre), normalisation and failure policy as Consentry's runs, so that the two
 * pipelines are compared by the same code. Images are matched by file name.
 */
final class FaceApiResults {
    private FaceApiResults() {
    }

    static VerificationRunner.Outcome score(List<Path> jsonFiles, List<VerificationPair> pairs) throws IOException {
        Map<String, Optional<float[]>> byName = new HashMap<>();
        ObjectMapper om = new ObjectMapper();
        for (Path f : jsonFiles) {
            for (JsonNode img : om.readTree(f.toFile()).get("images")) {
                double cx = img.get("width").asDouble() / 2;
                double cy = img.get("height").asDouble() / 2;
                JsonNode best = null;
                double bestD = Double.MAX_VALUE;
                for (JsonNode face : img.get("faces")) {
                    JsonNode b = face.get("box");
                    double d = Math.hypot(b.get(0).asDouble() + b.get(2).asDouble() / 2 - cx, b.get(1).asDouble() + b.get(3).asDouble() / 2 - cy);
                    if (d < bestD) {
                        bestD = d;
                        best = face;
                    }
                }
                Optional<float[]> desc = Optional.empty();
                if (best != null) {
                    float[] v = new float[best.get("descriptor").size()];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = best.get("descriptor").get(i).floatValue();
                    }
                    desc = Optional.of(Embedding.normalise(v));
                }
                byName.put(img.get("file").asText(), desc);
            }
        }
        List<ScoredPair> scored = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        java.util.Set<String> missing = new java.util.TreeSet<>();
        java.util.Set<String> noFace = new java.util.TreeSet<>();
        java.util.Set<String> all = new java.util.HashSet<>();
        for (VerificationPair p : pairs) {
            Optional<float[]> a = lookup(byName, p.a(), missing, noFace);
            Optional<float[]> b = lookup(byName, p.b(), missing, noFace);
            all.add(p.a().getFileName().toString());
            all.add(p.b().getFileName().toString());
            double s = Double.NaN;
            if (a.isPresent() && b.isPresent()) {
                s = 0;
                for (int i = 0; i < a.get().length; i++) {
                    s += a.get()[i] * b.get()[i];
                }
            }
            scored.add(new ScoredPair(s, p.same(), p.fold()));
        }
        missing.forEach(m -> problems.add(m + ": not in the face-api.js results"));
        noFace.forEach(m -> problems.add(m + ": no face found by face-api.js"));
        return new VerificationRunner.Outcome(List.copyOf(scored), all.size(), noFace.size(), missing.size(), 0, problems);
    }

    private static Optional<float[]> lookup(Map<String, Optional<float[]>> byName, Path img, java.util.Set<String> missing,
                                            java.util.Set<String> noFace) {
        String name = img.getFileName().toString();
        Optional<float[]> d = byName.get(name);
        if (d == null) {
            missing.add(name);
            return Optional.empty();
        }
        if (d.isEmpty()) {
            noFace.add(name);
        }
        return d;
    }
}
