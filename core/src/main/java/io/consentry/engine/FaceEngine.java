package io.consentry.engine;

import io.consentry.ConsentryException;
import io.consentry.align.Alignment;
import io.consentry.align.ChipTransform;
import io.consentry.align.FaceAlignment;
import io.consentry.onnx.FloatTensor;
import io.consentry.detect.Detection;
import io.consentry.detect.Detectors;
import io.consentry.detect.FaceDetector;
import io.consentry.detect.SsdMobilenetDetector;
import io.consentry.detect.YunetDetector;
import io.consentry.embed.Embedding;
import io.consentry.embed.FaceEmbedder;
import io.consentry.geometry.Box;
import io.consentry.geometry.Point;
import io.consentry.image.BadImageException;
import io.consentry.image.ImageDecoder;
import io.consentry.image.RgbImage;
import io.consentry.landmark.Landmark68Estimator;
import io.consentry.onnx.OnnxModel;
import io.consentry.pack.ModelEntry;
import io.consentry.pack.ModelPack;
import io.consentry.pack.PackException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one-line happy path: detect faces, get descriptors, compare them.
 *
 * <pre>{@code
 * try (FaceEngine engine = FaceEngine.open()) {
 *     RgbImage a = engine.load(Path.of("a.jpg")), b = engine.load(Path.of("b.jpg"));
 *     Face fa = engine.detect(a).get(0), fb = engine.detect(b).get(0);
 *     boolean same = engine.isSamePerson(engine.embed(a, fa), engine.embed(b, fb));
 * }
 * }</pre>
 *
 * Each step also accepts the previous step's output: {@link #detectBoxes} → {@link #landmarks} →
 * {@link #embed}/{@link #embedAll}. The engine opens one ONNX Runtime session per model and shares it: all methods
 * are thread-safe. {@link #close} releases the native memory; call it once, after the last use.
 * <p>Similarity is cosine similarity of L2-normalised descriptors in [-1, 1]; two faces are the same person when
 * it is at least {@link #threshold()} (a deployment's calibration, else the pack's default: 0.91 for the face-api.js pack, the best-accuracy threshold
 * of the default pipeline on LFW; see docs/ACCURACY.md for its false-match and false-non-match rates).
 */
public final class FaceEngine implements AutoCloseable {
    private final ModelPack pack;
    private final EngineOptions options;
    private final FaceDetector detector;
    private final Landmark68Estimator landmarks;
    private final FaceEmbedder embedder;
    private final double minScore;
    private final double threshold;
    private final Optional<Calibration> calibration;

    private FaceEngine(ModelPack pack, EngineOptions options, FaceDetector detector, Landmark68Estimator landmarks, FaceEmbedder embedder,
                       Optional<Calibration> calibration) {
        this.calibration = calibration;
        this.threshold = calibration.map(Calibration::threshold).orElse(pack.manifest().similarityThreshold());
        this.pack = pack;
        this.options = options;
        this.detector = detector;
        this.landmarks = landmarks;
        this.embedder = embedder;
        this.minScore = options.minScore().orElse(detector instanceof YunetDetector ? YunetDetector.DEFAULT_MIN_SCORE : SsdMobilenetDetector.DEFAULT_MIN_SCORE);
    }

    /** Opens the default pack in {@code $CONSENTRY_HOME} (install it with {@code consentry models install}). */
    public static FaceEngine open() throws ConsentryException {
        return open(EngineOptions.defaults());
    }

    public static FaceEngine open(EngineOptions options) throws ConsentryException {
        ModelPack pack = ModelPack.open(options.packDir());
        Optional<Calibration> calibration = Calibration.read(options.calibrationDir().resolve(pack.manifest().pack() + ".json"))
                .filter(c -> c.pack().equals(pack.manifest().pack()));
        OnnxModel.OnnxOptions ort = new OnnxModel.OnnxOptions(options.threads());
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            FaceDetector det = options.detector().isPresent()
                    ? Detectors.fromSpec(options.detector().get(), ort) : Detectors.fromPack(pack, ort);
            opened.add(det);
            ModelEntry lm = pack.manifest().model("landmarks").orElseThrow(() -> new PackException("pack has no landmarks model"));
            Landmark68Estimator lme = new Landmark68Estimator(OnnxModel.load(pack.file(lm), ort), lm.input());
            opened.add(lme);
            ModelEntry rec = pack.manifest().model("descriptor").orElseThrow(() -> new PackException("pack has no descriptor model"));
            FaceEmbedder emb = new FaceEmbedder(OnnxModel.load(pack.file(rec), ort), rec.input(), pack.manifest().pack());
            return new FaceEngine(pack, options, det, lme, emb, calibration);
        } catch (ConsentryException | RuntimeException e) {
            for (AutoCloseable c : opened) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // already failing
                }
            }
            throw e;
        }
    }

    /** Decodes an image file within the engine's limits (EXIF orientation applied). */
    public RgbImage load(Path file) throws BadImageException {
        return ImageDecoder.decode(file, options.imageLimits());
    }

    /** Faces with box, score, 5 and 68 landmarks; best first. */
    public List<Face> detect(RgbImage image) throws ConsentryException {
        return landmarks(image, detectBoxes(image));
    }

    /** Canvas factors tried, in order, when nothing is found and {@link EngineOptions#scaleFallback()} is on. */
    static final double[] FALLBACK_CANVAS = {2.0, 1.5};

    /**
     * Detector output only (no landmark net). With the scale fallback on and nothing found, the image is centred on a
     * 2x (then 1.5x) zero canvas and detected again; boxes are mapped back to the image (they may reach past its edge).
     */
    public List<Detection> detectBoxes(RgbImage image) throws ConsentryException {
        List<Detection> found = detector.detect(image, minScore, options.maxFaces());
        if (!found.isEmpty() || !options.scaleFallback()) {
            return found;
        }
        for (double f : FALLBACK_CANVAS) {
            long w = Math.round(image.width() * f);
            long h = Math.round(image.height() * f);
            if (w * h > options.imageLimits().maxPixels()) {
                break;
            }
            int ox = (int) ((w - image.width()) / 2);
            int oy = (int) ((h - image.height()) / 2);
            RgbImage canvas = centredOnCanvas(image, (int) w, (int) h, ox, oy);
            List<Detection> again = detector.detect(canvas, minScore, options.maxFaces());
            if (!again.isEmpty()) {
                List<Detection> mapped = new ArrayList<>(again.size());
                for (Detection d : again) {
                    Box b = d.box();
                    mapped.add(new Detection(new Box(b.x() - ox, b.y() - oy, b.width(), b.height()), d.score(),
                            d.landmarks5().stream().map(p -> new Point(p.x() - ox, p.y() - oy)).toList()));
                }
                return mapped;
            }
        }
        return found;
    }

    private static RgbImage centredOnCanvas(RgbImage image, int w, int h, int ox, int oy) {
        byte[] out = new byte[w * h * 3];
        int row = image.width() * 3;
        for (int y = 0; y < image.height(); y++) {
            System.arraycopy(image.rgb(), y * row, out, ((y + oy) * w + ox) * 3, row);
        }
        return new RgbImage(w, h, out);
    }

    /** Adds 68 landmarks (and 5 points derived from them unless the detector gave its own) to detections. */
    public List<Face> landmarks(RgbImage image, List<Detection> detections) throws ConsentryException {
        List<List<Point>> pts = landmarks.estimate(image, detections.stream().map(Detection::box).toList());
        List<Face> faces = new ArrayList<>(detections.size());
        for (int i = 0; i < detections.size(); i++) {
            Detection d = detections.get(i);
            List<Point> p68 = pts.get(i);
            List<Point> p5 = !d.landmarks5().isEmpty() ? d.landmarks5() : p68.isEmpty() ? List.of() : Landmark68Estimator.fivePoints(p68);
            faces.add(new Face(d.box(), d.score(), p5, p68));
        }
        return faces;
    }

    /** The descriptor of one face. */
    public Embedding embed(RgbImage image, Face face) throws ConsentryException {
        return embedAll(image, List.of(face)).get(0);
    }

    /** Descriptors of several faces of one image, computed in one batch. */
    public List<Embedding> embedAll(RgbImage image, List<Face> faces) throws ConsentryException {
        if (faces.isEmpty()) {
            return List.of();
        }
        return embedPrepared(prepareDescriptorInput(image, faces));
    }

    /** Descriptors for an input made by {@link #prepareDescriptorInput} (applies the flip option). */
    public List<Embedding> embedPrepared(FloatTensor input) throws ConsentryException {
        return options.flipAugment() ? embedder.embedWithFlip(input) : embedder.embedTensor(input);
    }

    /** The descriptor net's input for {@code faces}, cut as {@link EngineOptions#alignment()} says. */
    public FloatTensor prepareDescriptorInput(RgbImage image, List<Face> faces) {
        if (options.alignment() != Alignment.FACEAPI_BOX && faces.stream().allMatch(f -> f.landmarks68().size() == 68)) {
            int size = embedder.inputSize();
            return embedder.prepareWarped(image, faces.stream().map(f -> options.alignment() == Alignment.CHIP_68
                    ? ChipTransform.chip68(f.landmarks68(), size, 0.25)
                    : ChipTransform.rollCorrected(f.landmarks68(), size)).toList());
        }
        return embedder.prepare(image, alignedBoxes(faces));
    }

    /** The face-api.js alignment box of each face (from its 68 landmarks; the detector box if it has none). */
    public List<Box> alignedBoxes(List<Face> faces) {
        return faces.stream().map(f -> f.landmarks68().size() == 68 ? FaceAlignment.faceApiBox(f.landmarks68()) : f.box()).toList();
    }

    /** Cosine similarity in [-1, 1]; higher = more alike. */
    public double similarity(Embedding a, Embedding b) {
        return a.similarity(b);
    }

    /** {@code similarity(a, b) >= threshold()}. */
    public boolean isSamePerson(Embedding a, Embedding b) {
        return similarity(a, b) >= threshold();
    }

    /** The decision threshold on cosine similarity: the deployment's calibration if any, else the pack's default. */
    public double threshold() {
        return threshold;
    }

    /** The calibration in use, if {@code consentry calibrate} wrote one for this pack. */
    public Optional<Calibration> calibration() {
        return calibration;
    }

    /** The detection score threshold in use. */
    public double minScore() {
        return minScore;
    }

    public ModelPack pack() {
        return pack;
    }

    public FaceDetector detector() {
        return detector;
    }

    public FaceEmbedder embedder() {
        return embedder;
    }

    public EngineOptions options() {
        return options;
    }

    @Override
    public void close() {
        detector.close();
        landmarks.close();
        embedder.close();
    }
}
