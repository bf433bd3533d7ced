package io.consentry.pack.onnx;

import com.google.protobuf.CodedOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal ONNX model writer: nodes, float/int64 initializers, typed inputs and outputs, serialised as an
 * ONNX {@code ModelProto} with protobuf-java's wire encoder (field numbers from the ONNX schema, onnx.proto3).
 * Only what our converters need is supported. Not thread-safe; build once, then {@link #toBytes()}.
 *
 * <p>Usage: {@code g.input("x", 1, 3, 512, 512); String y = g.node("Relu", "x"); g.output(y, ...); g.toBytes()}.
 */
public final class OnnxGraph {
    /** ONNX TensorProto.DataType values used here. */
    private static final int FLOAT = 1;
    private static final int INT64 = 7;

    private final String name;
    private final int opset;
    private final List<byte[]> nodes = new ArrayList<>();
    private final List<byte[]> initializers = new ArrayList<>();
    private final List<byte[]> inputs = new ArrayList<>();
    private final List<byte[]> outputs = new ArrayList<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private int counter;

    public OnnxGraph(String name, int opset) {
        this.name = name;
        this.opset = opset;
    }

    /** A fresh, unique tensor name with the given prefix. */
    public String fresh(String prefix) {
        return prefix + "_" + (counter++);
    }

    /** A float32 graph input; a dimension {@code < 0} is symbolic (named {@code N} for the batch). */
    public void input(String tensor, long... dims) {
        inputs.add(valueInfo(tensor, FLOAT, dims));
    }

    /** A float32 graph output; a dimension {@code < 0} is symbolic. */
    public void output(String tensor, long... dims) {
        outputs.add(valueInfo(tensor, FLOAT, dims));
    }

    /** Free-form key/value metadata stored in the model. */
    public void metadata(String key, String value) {
        metadata.put(key, value);
    }

    /** Adds a float32 constant tensor and returns its name. */
    public String constant(String prefix, float[] data, long... dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException(prefix + ": " + data.length + " values for dims of size " + n);
        }
        String tensor = fresh(prefix);
        ByteBuffer raw = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(data);
        initializers.add(tensorProto(tensor, FLOAT, dims, raw.array()));
        return tensor;
    }

    /** Adds an int64 constant tensor (shapes, axes, pads) and returns its name. */
    public String constantInt64(String prefix, long... values) {
        String tensor = fresh(prefix);
        ByteBuffer raw = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        raw.asLongBuffer().put(values);
        initializers.add(tensorProto(tensor, INT64, new long[] {values.length}, raw.array()));
        return tensor;
    }

    /** Adds a node with one output and returns that output's name. */
    public String node(String opType, List<String> nodeInputs, Attr... attrs) {
        String out = fresh(opType.toLowerCase());
        nodes.add(nodeProto(opType, nodeInputs, List.of(out), attrs));
        return out;
    }

    public String node(String opType, String input, Attr... attrs) {
        return node(opType, List.of(input), attrs);
    }

    /** Adds a node whose single output gets the exact name {@code output} (for graph outputs). */
    public String nodeNamed(String opType, List<String> nodeInputs, String output, Attr... attrs) {
        nodes.add(nodeProto(opType, nodeInputs, List.of(output), attrs));
        return output;
    }

    /** A node attribute: an int, a float or a list of ints. */
    public record Attr(String name, Long i, Float f, long[] ints) {
        public static Attr i(String name, long v) {
            return new Attr(name, v, null, null);
        }

        public static Attr f(String name, float v) {
            return new Attr(name, null, v, null);
        }

        public static Attr ints(String name, long... v) {
            return new Attr(name, null, null, v);
        }
    }

    /** Serialises the model (IR version 7, the default ONNX domain at {@code opset}). */
    public byte[] toBytes() {
        byte[] graph = message(out -> {
            for (byte[] n : nodes) {
                out.writeByteArray(1, n);
            }
            out.writeString(2, name);
            for (byte[] t : initializers) {
                out.writeByteArray(5, t);
            }
            for (byte[] v : inputs) {
                out.writeByteArray(11, v);
            }
            for (byte[] v : outputs) {
                out.writeByteArray(12, v);
            }
        });
        byte[] opsetId = message(out -> {
            out.writeString(1, "");
            out.writeInt64(2, opset);
        });
        return message(out -> {
            out.writeInt64(1, 7);
            out.writeString(2, "consentry");
            out.writeString(3, "1");
            out.writeByteArray(7, graph);
            out.writeByteArray(8, opsetId);
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                out.writeByteArray(14, message(kv -> {
                    kv.writeString(1, e.getKey());
                    kv.writeString(2, e.getValue());
                }));
            }
        });
    }

    private static byte[] nodeProto(String opType, List<String> in, List<String> out, Attr... attrs) {
        return message(o -> {
            for (String s : in) {
                o.writeString(1, s);
            }
            for (String s : out) {
                o.writeString(2, s);
            }
            o.writeString(3, out.get(0) + "_node");
            o.writeString(4, opType);
            for (Attr a : attrs) {
                o.writeByteArray(5, attributeProto(a));
            }
        });
    }

    private static byte[] attributeProto(Attr a) {
        return message(o -> {
            o.writeString(1, a.name());
            if (a.f() != null) {
                o.writeFloat(2, a.f());
                o.writeEnum(20, 1); // FLOAT
            } else if (a.i() != null) {
                o.writeInt64(3, a.i());
                o.writeEnum(20, 2); // INT
            } else {
                for (long v : a.ints()) {
                    o.writeInt64(8, v);
                }
                o.writeEnum(20, 7); // INTS
            }
        });
    }

    private static byte[] tensorProto(String name, int dataType, long[] dims, byte[] raw) {
        return message(o -> {
            for (long d : dims) {
                o.writeInt64(1, d);
            }
            o.writeInt32(2, dataType);
            o.writeString(8, name);
            o.writeByteArray(9, raw);
        });
    }

    private static byte[] valueInfo(String name, int elemType, long[] dims) {
        byte[] shape = message(o -> {
            for (long d : dims) {
                o.writeByteArray(1, message(dim -> {
                    if (d >= 0) {
                        dim.writeInt64(1, d);
                    } else {
                        dim.writeString(2, "N");
                    }
                }));
            }
        });
        byte[] tensorType = message(o -> {
            o.writeInt32(1, elemType);
            o.writeByteArray(2, shape);
        });
        byte[] type = message(o -> o.writeByteArray(1, tensorType));
        return message(o -> {
            o.writeString(1, name);
            o.writeByteArray(2, type);
        });
    }

    private interface Body {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] message(Body body) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            body.write(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
