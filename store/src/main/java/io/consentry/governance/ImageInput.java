package io.consentry.governance;

import io.consentry.image.RgbImage;

import java.util.Objects;

/**
 * An image handed to the service: already decoded, or encoded bytes that the service decodes within the engine's
 * {@link io.consentry.image.ImageLimits}. The audit log records its SHA-256: of the encoded bytes as received, or,
 * for a raster, of {@code "rgb:<width>x<height>:"} followed by the RGB bytes.
 */
public sealed interface ImageInput {

    static ImageInput of(RgbImage image) {
        return new Raster(image);
    }

    /** Encoded bytes (JPEG, PNG, BMP, GIF, WebP); {@code name} is used in error messages only. */
    static ImageInput encoded(byte[] bytes, String name) {
        return new Encoded(bytes, name);
    }

    /** Hex SHA-256 of a raster as the audit log records it: of {@code "rgb:<w>x<h>:"} followed by the RGB bytes. */
    static String rasterSha256(RgbImage img) {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            sha.update(("rgb:" + img.width() + "x" + img.height() + ":").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            sha.update(img.rgb());
            return java.util.HexFormat.of().formatHex(sha.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A decoded image. */
    record Raster(RgbImage image) implements ImageInput {
        public Raster {
            Objects.requireNonNull(image, "image");
        }
    }

    /** An encoded image file's bytes (not copied: do not modify while the call runs). */
    record Encoded(byte[] bytes, String name) implements ImageInput {
        public Encoded {
            Objects.requireNonNull(bytes, "bytes");
            name = name == null ? "<image>" : name;
        }

        @Override
        public String toString() {
            return "Encoded[" + name + ", " + bytes.length + " bytes]";
        }
    }
}
