package io.consentry.eval;

import io.consentry.ConsentryException;
import io.consentry.embed.Embedding;
import io.consentry.engine.Face;
import io.consentry.engine.FaceEngine;
import io.consentry.image.BadImageException;
import io.consentry.image.ImageDecoder;
import io.consentry.image.RgbImage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * Computes one descriptor per distinct image of a protocol (the central face; see {@link FacePicker}) and scores
 * every pair. Images are processed by {@code workers} threads sharing one engine; descriptors are cached by file
 * content hash. An image that cannot be read or has no face makes its pairs unanswered (see
 * {@link VerificationMetrics} for the policy) and is listed in {@link Outcome#problems()}.
 */
public final class VerificationRunner {
    private VerificationRunner() {
    }

    /**
     * @param scored     one entry per input pair, in order
     * @param images     distinct images
     * @param noFace     images without a usable face (failure to enrol)
     * @param unreadable images that could not be decoded
     * @param cached     descriptors taken from the cache
     * @param problems   one message per unreadable or faceless image
     */
    public record Outcome(List<ScoredPair> scored, int images, int noFace, int unreadable, int cached, List<String> problems) {
    }

    public static Outcome run(FaceEngine engine, List<VerificationPair> pairs, DescriptorCache cache, int workers,
                              IntConsumer progress) throws ConsentryException, IOException {
        LinkedHashSet<Path> distinct = new LinkedHashSet<>();
        for (VerificationPair p : pairs) {
            distinct.add(p.a());
            distinct.add(p.b());
        }
        Map<Path, Optional<float[]>> desc = new ConcurrentHashMap<>();
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        int[] counters = new int[3]; // noFace, unreadable, cached
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, workers));
        try {
            List<Future<?>> futures = new ArrayList<>();
            int[] done = {0};
            for (Path img : distinct) {
                futures.add(pool.submit(() -> {
                    Optional<float[]> d = describe(engine, img, cache, problems, counters);
                    desc.put(img, d);
                    synchronized (done) {
                        done[0]++;
                        progress.accept(done[0]);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConsentryException("interrupted");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof ConsentryException ce) {
                throw ce;
            }
            if (c instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException(c);
        } finally {
            pool.shutdownNow();
        }
        List<ScoredPair> scored = new ArrayList<>(pairs.size());
        for (VerificationPair p : pairs) {
            Optional<float[]> a = desc.get(p.a());
            Optional<float[]> b = desc.get(p.b());
            double s = a.isPresent() && b.isPresent() ? dot(a.get(), b.get()) : Double.NaN;
            scored.add(new ScoredPair(s, p.same(), p.fold()));
        }
        return new Outcome(List.copyOf(scored), distinct.size(), counters[0], counters[1], counters[2], List.copyOf(problems));
    }

    private static Optional<float[]> describe(FaceEngine engine, Path img, DescriptorCache cache, List<String> problems,
                                              int[] counters) throws ConsentryException, IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(img);
        } catch (IOException e) {
            problems.add(img + ": unreadable (" + e.getMessage() + ")");
            synchronized (counters) {
                counters[1]++;
            }
            return Optional.empty();
        }
        String key;
        try (InputStream in = new java.io.ByteArrayInputStream(bytes)) {
            key = DescriptorCache.sha256(in);
        }
        Optional<float[]> hit = cache.get(key);
        if (hit != null) {
            synchronized (counters) {
                counters[2]++;
                if (hit.isEmpty()) {
                    counters[0]++;
                }
            }
            if (hit.isEmpty()) {
                problems.add(img + ": no face found (cached)");
            }
            return hit;
        }
        RgbImage image;
        try {
            image = ImageDecoder.decode(bytes, img.toString(), engine.options().imageLimits());
        } catch (BadImageException e) {
            problems.add(e.getMessage());
            synchronized (counters) {
                counters[1]++;
            }
            return Optional.empty(); // not cached: the file may be fixed
        }
        List<Face> faces = engine.detect(image);
        Optional<Face> face = FacePicker.central(faces, image.width(), image.height());
        Optional<float[]> d = Optional.empty();
        if (face.isPresent()) {
            Embedding e = engine.embed(image, face.get());
            d = Optional.of(e.vector());
        } else {
            problems.add(img + ": no face found");
            synchronized (counters) {
                counters[0]++;
            }
        }
        cache.put(key, d);
        return d;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
