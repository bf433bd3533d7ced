package io.consentry.detect;

import io.consentry.onnx.OnnxModel;
import io.consentry.onnx.OnnxModelException;
import io.consentry.onnx.TensorInfo;
import io.consentry.pack.InputSpec;
import io.consentry.pack.ModelAdapters;
import io.consentry.pack.ModelEntry;
import io.consentry.pack.ModelPack;
import io.consentry.pack.PackException;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Opens the detector a pack manifest names, or a user's model file given as {@code ADAPTER:PATH}
 * ({@code yunet:/models/face_detection_yunet_2023mar.onnx}) or a bare path whose layout is recognised.
 * A file of unknown layout is refused with its inputs and outputs and the supported layouts listed.
 */
public final class Detectors {
    /** One line per supported detector layout, for error messages and help. */
    public static final String SUPPORTED = ModelAdapters.YUNET + " (outputs cls_8/16/32, obj_*, bbox_*, kps_*; input [1,3,H,W] BGR 0..255); "
            + ModelAdapters.FACEAPI_SSD + " (input [N,3,512,512]; outputs boxes [N,5118,4], scores [N,5118])";

    private Detectors() {
    }

    /** The detector of {@code pack}. */
    public static FaceDetector fromPack(ModelPack pack, OnnxModel.OnnxOptions options) throws PackException, OnnxModelException {
        ModelEntry m = pack.manifest().model("detector")
                .orElseThrow(() -> new PackException("pack " + pack.manifest().pack() + " has no detector model"));
        return open(m.adapter(), pack.file(m), Optional.of(m.input()), options);
    }

    /** A detector from a user's spec {@code [adapter:]path}. */
    public static FaceDetector fromSpec(String spec, OnnxModel.OnnxOptions options) throws PackException, OnnxModelException {
        int colon = spec.indexOf(':');
        String adapter = null;
        String path = spec;
        if (colon > 0 && ModelAdapters.DETECTORS.contains(spec.substring(0, colon))) {
            adapter = spec.substring(0, colon);
            path = spec.substring(colon + 1);
        }
        return open(adapter, Path.of(path), Optional.empty(), options);
    }

    private static FaceDetector open(String adapter, Path file, Optional<InputSpec> spec, OnnxModel.OnnxOptions options)
            throws PackException, OnnxModelException {
        OnnxModel model = OnnxModel.load(file, options);
        try {
            Optional<String> yunet = YunetDetector.layoutMismatch(model);
            Optional<String> ssd = ssdMismatch(model);
            String chosen = adapter;
            if (chosen == null) {
                chosen = yunet.isEmpty() ? ModelAdapters.YUNET : ssd.isEmpty() ? ModelAdapters.FACEAPI_SSD : null;
            }
            if (ModelAdapters.YUNET.equals(chosen) && yunet.isEmpty()) {
                return new YunetDetector(model, YunetDetector.DEFAULT_MAX_SIDE);
            }
            if (ModelAdapters.FACEAPI_SSD.equals(chosen) && ssd.isEmpty()) {
                return new SsdMobilenetDetector(model, spec.orElse(SsdMobilenetDetector.DEFAULT_INPUT));
            }
            String why = chosen == null ? "its layout matches no supported detector"
                    : "it does not have the " + chosen + " layout (" + (chosen.equals(ModelAdapters.YUNET) ? yunet : ssd).orElse("") + ")";
            throw new PackException("cannot use " + file.getFileName() + " as a face detector: " + why + ".\n"
                    + "  the file has inputs " + describe(model.inputs()) + " and outputs " + describe(model.outputs()) + ".\n"
                    + "  supported layouts: " + SUPPORTED);
        } catch (PackException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    static Optional<String> ssdMismatch(OnnxModel model) {
        Set<String> outs = model.outputs().stream().map(TensorInfo::name).collect(Collectors.toSet());
        if (!outs.containsAll(List.of("boxes", "scores"))) {
            return Optional.of("needs outputs boxes and scores");
        }
        if (model.inputs().size() != 1 || model.inputs().get(0).shape().length != 4 || model.inputs().get(0).shape()[2] != 512) {
            return Optional.of("needs one input [N,3,512,512]");
        }
        return Optional.empty();
    }

    private static String describe(List<TensorInfo> infos) {
        return infos.stream().map(TensorInfo::toString).collect(Collectors.joining(", ", "[", "]"));
    }
}
