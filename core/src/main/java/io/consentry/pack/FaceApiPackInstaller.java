package io.consentry.pack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.consentry.pack.faceapi.FaceApiConverter;
import io.consentry.pack.tfjs.TfjsWeights;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Installs the default model pack: gets {@code @vladmandic/face-api@1.7.15} with {@code npm pack} (the npm
 * client's configured registry) or from a local tarball, checks the tarball against the pinned SHA-512, converts
 * the SSD MobileNet V1 detector, the 68-point landmark net and the recognition ResNet to ONNX, and writes the pack
 * folder atomically: everything is built in a temporary sibling folder and renamed into place last, so a killed
 * install never leaves a folder that {@link ModelPack#open} accepts. Installing an installed pack does nothing.
 */
public final class FaceApiPackInstaller {
    public static final String PACKAGE = "@vladmandic/face-api";
    public static final String VERSION = "1.7.15";
    public static final String PACK_ID = "faceapi-" + VERSION;
    /** {@code npm view @vladmandic/face-api@1.7.15 dist.integrity}. */
    public static final String INTEGRITY =
            "sha512-WDMmK3CfNLo8jylWqMoQgf4nIst3M0fzx1dnac96wv/dvMTN4DxC/Pq1DGtduDk1lktCamQ3MIDXFnvrdHTXDw==";
    /**
     * Cosine similarity at or above which two descriptors are "the same person": the best-accuracy threshold of the
     * default pipeline (CHIP_68 alignment, scale fallback) on LFW View 2, 0.9086, rounded (docs/ACCURACY.md).
     */
    public static final double DEFAULT_SIMILARITY_THRESHOLD = 0.91;

    private static final String SSD = "ssd_mobilenetv1_model";
    private static final String LANDMARKS = "face_landmark_68_model";
    private static final String RECOGNITION = "face_recognition_model";
    private static final long MAX_TARBALL_BYTES = 200L << 20;

    private final Path home;
    private final Consumer<String> progress;

    /** @param home Consentry home folder; packs go to {@code home/models/<pack>}; {@code progress} gets one line per step */
    public FaceApiPackInstaller(Path home, Consumer<String> progress) {
        this.home = home;
        this.progress = progress;
    }

    public Path packDir() {
        return home.resolve("models").resolve(PACK_ID);
    }

    /**
     * Installs the pack unless a valid one written by this version is already there (a pack from an older version with
     * another default threshold is replaced), and returns its folder.
     *
     * @param tarball a local copy of the npm tarball, or null to fetch it with {@code npm pack}
     */
    public Path install(Path tarball) throws PackException {
        Path dest = packDir();
        if (Files.exists(dest.resolve(ModelPack.MANIFEST))) {
            try {
                ModelPack existing = ModelPack.open(dest);
                double t = existing.manifest().similarityThreshold();
                if (t == DEFAULT_SIMILARITY_THRESHOLD) {
                    progress.accept("model pack " + PACK_ID + " already installed at " + dest);
                    return dest;
                }
                // written by an older Consentry: its default threshold is outdated (0.82 let most impostors through)
                progress.accept("existing pack was written by an older version (default threshold " + t + ", now "
                        + DEFAULT_SIMILARITY_THRESHOLD + "), reinstalling");
            } catch (PackException e) {
                progress.accept("existing pack is not valid (" + e.getMessage() + "), reinstalling");
            }
        }
        try {
            Files.createDirectories(dest.getParent());
            removeStalePartials(dest.getParent());
            Path work = Files.createTempDirectory(dest.getParent(), "." + PACK_ID + ".partial-");
            try {
                Path tgz = tarball != null ? tarball : npmPack(work);
                verifyIntegrity(tgz);
                Path weights = Files.createDirectories(work.resolve("weights"));
                extractModels(tgz, weights);
                Path out = Files.createDirectories(work.resolve("pack"));
                PackManifest manifest = convert(weights, out);
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValue(out.resolve(ModelPack.MANIFEST).toFile(), manifest);
                ModelPack.open(out); // verify what we wrote before publishing it
                publish(out, dest);
                progress.accept("installed model pack " + PACK_ID + " at " + dest);
                return dest;
            } finally {
                deleteTree(work);
            }
        } catch (IOException e) {
            throw new PackException("cannot install model pack " + PACK_ID + " into " + dest + ": " + e.getMessage(), e);
        }
    }

    /** Removes leftovers of killed installs (older than a minute, so a concurrent install is left alone). */
    private static void removeStalePartials(Path modelsDir) throws IOException {
        long cutoff = System.currentTimeMillis() - 60_000;
        try (Stream<Path> s = Files.list(modelsDir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith("." + PACK_ID + ".partial-")).toList()) {
                if (Files.getLastModifiedTime(p).toMillis() < cutoff) {
                    deleteTree(p);
                }
            }
        }
    }

    private Path npmPack(Path work) throws PackException, IOException {
        String spec = PACKAGE + "@" + VERSION;
        progress.accept("fetching " + spec + " with npm pack");
        Path dir = Files.createDirectories(work.resolve("npm"));
        ProcessBuilder pb = new ProcessBuilder("npm", "pack", spec, "--silent", "--pack-destination", dir.toString())
                .redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new PackException("npm is not installed or not on PATH; install Node.js/npm, or pass --from FILE.tgz", e);
        }
        String output;
        try (InputStream in = p.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new PackException("npm pack " + spec + " timed out");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new PackException("interrupted while running npm pack");
        }
        if (p.exitValue() != 0) {
            throw new PackException("npm pack " + spec + " failed (exit " + p.exitValue() + "): " + output.strip());
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".tgz")).findFirst()
                    .orElseThrow(() -> new PackException("npm pack " + spec + " produced no tarball: " + output.strip()));
        }
    }

    /** Checks the tarball against the pinned npm integrity value (SHA-512, base64). */
    static void verifyIntegrity(Path tgz) throws PackException, IOException {
        if (!Files.isRegularFile(tgz)) {
            throw new PackException("tarball not found: " + tgz);
        }
        if (Files.size(tgz) > MAX_TARBALL_BYTES) {
            throw new PackException(tgz + " is larger than any version of " + PACKAGE + "; refusing it");
        }
        String actual;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(tgz))) {
            MessageDigest md = MessageDigest.getInstance("SHA-512");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            actual = "sha512-" + Base64.getEncoder().encodeToString(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        if (!actual.equals(INTEGRITY)) {
            throw new PackException("integrity check failed for " + tgz.getFileName() + ": expected " + INTEGRITY
                    + " (" + PACKAGE + "@" + VERSION + ") but the file hashes to " + actual + "; refusing to install it");
        }
    }

    /** Extracts only the weight files we convert (and the license), by exact name: nothing else is written. */
    private static void extractModels(Path tgz, Path dest) throws IOException, PackException {
        Set<String> wanted = new java.util.HashSet<>(List.of("package/LICENSE"));
        for (String m : List.of(SSD, LANDMARKS, RECOGNITION)) {
            wanted.add("package/model/" + m + "-weights_manifest.json");
            wanted.add("package/model/" + m + ".bin");
        }
        int found = 0;
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(
                new BufferedInputStream(Files.newInputStream(tgz))))) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                if (e.isFile() && wanted.contains(e.getName())) {
                    String base = e.getName().substring(e.getName().lastIndexOf('/') + 1);
                    Files.copy(tar, dest.resolve(base), StandardCopyOption.REPLACE_EXISTING);
                    found++;
                }
            }
        }
        if (found != wanted.size()) {
            throw new PackException(tgz.getFileName() + " lacks some of the expected model files (" + found + " of " + wanted.size() + " found)");
        }
    }

    private PackManifest convert(Path weights, Path out) throws PackException, IOException {
        List<Double> rgbMean = List.of(122.782, 117.001, 104.298);
        List<Double> by255 = List.of(255.0, 255.0, 255.0);
        List<Double> range = List.of(0.0, 255.0);

        progress.accept("converting SSD MobileNet V1 face detector");
        ModelEntry ssd = write(out, "ssd_mobilenetv1.onnx", FaceApiConverter.ssdMobilenetV1(TfjsWeights.read(weights, SSD)),
                "detector", ModelAdapters.FACEAPI_SSD,
                new InputSpec("input", List.of(-1L, 3L, 512L, 512L), "NCHW", "RGB", range,
                        List.of(127.5, 127.5, 127.5), List.of(127.5, 127.5, 127.5),
                        "zero-pad bottom/right to a square, bilinear resize to 512 (align_corners=false, half_pixel_centers=false)"),
                Map.of("boxes", "[N,5118,4] (ymin,xmin,ymax,xmax) relative to the padded square, unclipped",
                        "scores", "[N,5118] face probability (sigmoid of the face logit)",
                        "box_encodings", "[N,5118,4] raw (ty,tx,th,tw) anchor offsets",
                        "class_logits", "[N,5118,3] raw logits (background, face, unused)"));
        progress.accept("converting 68-point landmark net");
        ModelEntry lm = write(out, "face_landmark_68.onnx", FaceApiConverter.landmarkNet(TfjsWeights.read(weights, LANDMARKS)),
                "landmarks", ModelAdapters.FACEAPI_LANDMARKS68,
                new InputSpec("input", List.of(-1L, 3L, 112L, 112L), "NCHW", "RGB", range, rgbMean, by255,
                        "face box clipped and floored, centred zero-pad to a square, bilinear resize to 112"),
                Map.of("landmarks", "[N,136] x0,y0,...,x67,y67 relative (0..1) to the square input (iBUG 68-point order)"));
        progress.accept("converting face recognition ResNet (128-D descriptor)");
        ModelEntry rec = write(out, "face_recognition.onnx", FaceApiConverter.recognitionNet(TfjsWeights.read(weights, RECOGNITION)),
                "descriptor", ModelAdapters.FACEAPI_RECOGNITION,
                new InputSpec("input", List.of(-1L, 3L, 150L, 150L), "NCHW", "RGB", range, rgbMean, by255,
                        "aligned face crop, centred zero-pad to a square, bilinear resize to 150"),
                Map.of("descriptor", "[N,128] raw descriptor (Consentry L2-normalises it)"));
        if (Files.exists(weights.resolve("LICENSE"))) {
            Files.copy(weights.resolve("LICENSE"), out.resolve("LICENSE.face-api.txt"));
        }
        return new PackManifest(PackManifest.FORMAT_VERSION, PACK_ID,
                new PackManifest.Source(PACKAGE, VERSION, INTEGRITY, "consentry FaceApiConverter (opset " + FaceApiConverter.OPSET + ")"),
                "MIT", List.of(ssd, lm, rec), DEFAULT_SIMILARITY_THRESHOLD);
    }

    private static ModelEntry write(Path dir, String file, byte[] onnx, String role, String adapter, InputSpec input,
                                    Map<String, String> outputs) throws IOException {
        Files.write(dir.resolve(file), onnx);
        return new ModelEntry(role, adapter, file, ModelPack.sha256(onnx), input, outputs);
    }

    private static void publish(Path built, Path dest) throws IOException {
        Path old = null;
        if (Files.exists(dest)) {
            old = dest.resolveSibling(dest.getFileName() + ".old-" + System.nanoTime());
            Files.move(dest, old);
        }
        try {
            Files.move(built, dest, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(built, dest);
        }
        if (old != null) {
            deleteTree(old);
        }
    }

    static void deleteTree(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException ignored) {
                    // best effort: a leftover temp file is harmless, it never looks like a pack
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
