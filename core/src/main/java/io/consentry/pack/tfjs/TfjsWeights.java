package io.consentry.pack.tfjs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consentry.pack.PackException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The dequantised weights of one TensorFlow.js "weights manifest" model ({@code NAME-weights_manifest.json}
 * plus its {@code .bin} shards), as TensorFlow.js itself loads them: a quantised value {@code q} becomes
 * {@code float32(q * scale + min)}; unquantised float32 values are read little-endian.
 *
 * <p>Shapes are TensorFlow's (e.g. conv filters {@code [kh, kw, in, out]}). Only float32 tensors are kept;
 * int32 helper tensors of the original graph are skipped.
 */
public final class TfjsWeights {
    private final Map<String, Tensor> tensors;

    /** A float32 tensor in TensorFlow layout. */
    public record Tensor(String name, int[] shape, float[] data) {
        public int size() {
            return data.length;
        }

        @Override
        public String toString() {
            return name + Arrays.toString(shape);
        }
    }

    private TfjsWeights(Map<String, Tensor> tensors) {
        this.tensors = tensors;
    }

    /** Reads {@code dir/<model>-weights_manifest.json} and the shards it names. */
    public static TfjsWeights read(Path dir, String model) throws PackException {
        Path manifest = dir.resolve(model + "-weights_manifest.json");
        try {
            JsonNode groups = new ObjectMapper().readTree(manifest.toFile());
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (JsonNode group : groups) {
                ByteBuffer buf = readShards(dir, group.get("paths"));
                for (JsonNode w : group.get("weights")) {
                    readTensor(w, buf, out);
                }
                if (buf.hasRemaining()) {
                    throw new PackException(manifest.getFileName() + ": " + buf.remaining() + " bytes left over after the last weight");
                }
            }
            return new TfjsWeights(out);
        } catch (IOException | RuntimeException e) {
            throw new PackException("cannot read TensorFlow.js weights " + manifest + ": " + e.getMessage(), e);
        }
    }

    private static ByteBuffer readShards(Path dir, JsonNode paths) throws IOException {
        byte[][] parts = new byte[paths.size()][];
        int total = 0;
        for (int i = 0; i < paths.size(); i++) {
            String name = paths.get(i).asText();
            if (name.contains("/") || name.contains("\\") || name.startsWith(".")) {
                throw new IOException("refusing shard path outside the model folder: " + name);
            }
            parts[i] = Files.readAllBytes(dir.resolve(name));
            total += parts[i].length;
        }
        ByteBuffer buf = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        for (byte[] p : parts) {
            buf.put(p);
        }
        return buf.flip();
    }

    private static void readTensor(JsonNode w, ByteBuffer buf, Map<String, Tensor> out) throws IOException {
        String name = w.get("name").asText();
        String dtype = w.get("dtype").asText();
        int[] shape = new int[w.get("shape").size()];
        long n = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = w.get("shape").get(i).asInt();
            n *= shape[i];
        }
        if (n > Integer.MAX_VALUE / 4) {
            throw new IOException(name + ": tensor too large");
        }
        float[] data = new float[(int) n];
        JsonNode q = w.get("quantization");
        if (q != null && !q.isNull()) {
            String qtype = q.get("dtype").asText();
            if (!q.has("scale") || !q.has("min")) {
                throw new IOException(name + ": only affine (scale/min) quantisation is supported");
            }
            double scale = q.get("scale").asDouble();
            double min = q.get("min").asDouble();
            for (int i = 0; i < data.length; i++) {
                int v = switch (qtype) {
                    case "uint8" -> buf.get() & 0xff;
                    case "uint16" -> buf.getShort() & 0xffff;
                    default -> throw new IOException(name + ": unsupported quantisation dtype " + qtype);
                };
                data[i] = (float) (v * scale + min);
            }
        } else {
            switch (dtype) {
                case "float32" -> {
                    for (int i = 0; i < data.length; i++) {
                        data[i] = buf.getFloat();
                    }
                }
                case "int32" -> {
                    for (int i = 0; i < data.length; i++) {
                        data[i] = buf.getInt();
                    }
                }
                default -> throw new IOException(name + ": unsupported dtype " + dtype);
            }
        }
        if (dtype.equals("float32")) {
            out.put(name, new Tensor(name, shape, data));
        }
    }

    /** The tensor called {@code name}; fails with the list of what exists when it is absent. */
    public Tensor get(String name) throws PackException {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new PackException("weight " + name + " not found (have " + tensors.size() + " tensors, e.g. "
                    + tensors.keySet().stream().limit(5).toList() + ")");
        }
        return t;
    }

    public Map<String, Tensor> all() {
        return java.util.Collections.unmodifiableMap(tensors);
    }
}
