package io.consentry.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.ValueInfo;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One ONNX Runtime session over one model file: the only place in Consentry that touches ONNX Runtime.
 *
 * <p>Thread-safety: {@link #run} may be called concurrently from many threads (ONNX Runtime sessions are
 * thread-safe for inference); {@link #close} must be called once, after all runs finished. Native memory of
 * inputs and outputs is released before {@code run} returns.
 *
 * <pre>{@code
 * try (OnnxModel m = OnnxModel.load(path, OnnxOptions.DEFAULT)) {
 *     Map<String, FloatTensor> out = m.run("input", tensor);
 * }
 * }</pre>
 */
public final class OnnxModel implements AutoCloseable {
    private final Path file;
    private final OrtSession session;
    private final List<TensorInfo> inputs;
    private final List<TensorInfo> outputs;

    private OnnxModel(Path file, OrtSession session) throws OrtException {
        this.file = file;
        this.session = session;
        this.inputs = describe(session.getInputInfo());
        this.outputs = describe(session.getOutputInfo());
    }

    /** Session options: threads used inside one run (0 = ONNX Runtime's default: one per core). */
    public record OnnxOptions(int intraOpThreads) {
        public static final OnnxOptions DEFAULT = new OnnxOptions(0);
    }

    /** Opens {@code file}; a missing, unreadable or invalid model gives an {@link OnnxModelException}. */
    public static OnnxModel load(Path file, OnnxOptions options) throws OnnxModelException {
        if (!Files.isRegularFile(file)) {
            throw new OnnxModelException("model file not found: " + file);
        }
        try {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
                so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                if (options.intraOpThreads() > 0) {
                    so.setIntraOpNumThreads(options.intraOpThreads());
                }
                return new OnnxModel(file, env.createSession(file.toString(), so));
            }
        } catch (OrtException | RuntimeException e) {
            throw new OnnxModelException("not a usable ONNX model: " + file + " (" + firstLine(e.getMessage()) + ")", e);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no detail";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static List<TensorInfo> describe(Map<String, NodeInfo> infos) {
        List<TensorInfo> out = new ArrayList<>();
        for (NodeInfo n : infos.values()) {
            ValueInfo v = n.getInfo();
            if (v instanceof ai.onnxruntime.TensorInfo t) {
                out.add(new TensorInfo(n.getName(), t.type.toString().toLowerCase(), t.getShape()));
            } else {
                out.add(new TensorInfo(n.getName(), v.toString(), new long[0]));
            }
        }
        return List.copyOf(out);
    }

    public Path file() {
        return file;
    }

    public List<TensorInfo> inputs() {
        return inputs;
    }

    public List<TensorInfo> outputs() {
        return outputs;
    }

    /** Runs the model on one float input and returns the requested outputs (all outputs when none named). */
    public Map<String, FloatTensor> run(String inputName, FloatTensor input, String... outputNames) throws OnnxModelException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(input.data()), input.shape());
             OrtSession.Result result = outputNames.length == 0
                     ? session.run(Map.of(inputName, in))
                     : session.run(Map.of(inputName, in), Set.of(outputNames))) {
            Map<String, FloatTensor> out = new LinkedHashMap<>();
            for (Map.Entry<String, OnnxValue> e : result) {
                if (!(e.getValue() instanceof OnnxTensor t) || t.getInfo().type != ai.onnxruntime.OnnxJavaType.FLOAT) {
                    throw new OnnxModelException(file.getFileName() + ": output " + e.getKey() + " is not a float tensor");
                }
                FloatBuffer fb = t.getFloatBuffer();
                float[] data = new float[fb.remaining()];
                fb.get(data);
                out.put(e.getKey(), new FloatTensor(t.getInfo().getShape(), data));
            }
            return out;
        } catch (OrtException e) {
            throw new OnnxModelException("inference failed in " + file.getFileName() + ": " + firstLine(e.getMessage()), e);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            // nothing useful to do: the session's native memory is gone either way
        }
    }

    @Override
    public String toString() {
        return "OnnxModel[" + file.getFileName() + " in=" + inputs + " out=" + outputs + "]";
    }
}
