package io.consentry.store.crypto;

import io.consentry.store.ErrorCode;
import io.consentry.store.StorageException;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Protects face templates at rest with the deployment's secret ({@link DeploymentKeys}): a random orthogonal
 * transform (cancellable biometrics) followed by authenticated encryption.
 *
 * <pre>{@code
 * TemplateProtector p = TemplateProtector.of(DeploymentKeys.loadOrCreate(home, System.getenv()));
 * byte[] blob = p.protect(v, TemplateContext.descriptor(templateId, collectionId)); // AES-GCM(Q·v)
 * float[] qv = p.unprotect(blob, TemplateContext.descriptor(templateId, collectionId)); // Q·v
 * double s = dot(qv, p.transform(probe));                                               // == dot(v, probe)
 * }</pre>
 *
 * <h2>Two layers</h2>
 * <ol>
 *   <li><b>Transform.</b> {@code v ↦ Q·v} with {@link OrthogonalTransform} {@code Q} from the active key's seed.
 *       Search runs in this space: the index holds {@code Q·v} and probes are transformed with {@link #transform}.
 *       Cosine similarity is preserved exactly (float rounding aside), so accuracy is unchanged. Templates of two
 *       deployments (different {@code Q}) are unlinkable, and replacing {@code Q} ({@link DeploymentKeys#withNewActive
 *       rekey}) revokes every copy made under the old one.</li>
 *   <li><b>Encryption.</b> AES-256-GCM with a fresh random 96-bit nonce per write and a 128-bit tag; the associated
 *       data binds the blob header and the {@link TemplateContext} (template id, collection id, kind).</li>
 * </ol>
 *
 * <h2>Blob format</h2>
 * {@code 0x01 | n | key id (n ASCII bytes) | nonce (12) | ciphertext + tag (16)}; a descriptor's plaintext is its
 * float32 components, little-endian. The key id says which generation encrypted it; blobs of an older generation are
 * still readable while it is held, and {@link #unprotect} maps their vectors into the active transform's space
 * ({@code Q_active·Q_oldᵀ}) so that callers always see one space.
 *
 * <p>Immutable and thread-safe; a rotation produces a new instance. Never logs vectors or keys.
 */
public final class TemplateProtector {
    private static final byte VERSION = 1;
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DeploymentKeys keys;
    private final ConcurrentHashMap<String, OrthogonalTransform> transforms = new ConcurrentHashMap<>();

    private TemplateProtector(DeploymentKeys keys) {
        this.keys = Objects.requireNonNull(keys);
    }

    public static TemplateProtector of(DeploymentKeys keys) {
        return new TemplateProtector(keys);
    }

    public DeploymentKeys keys() {
        return keys;
    }

    /** The id of the key generation new blobs are written with. */
    public String activeKeyId() {
        return keys.activeKeyId();
    }

    /** {@code Q·v}: an engine descriptor mapped into the search space. */
    public float[] transform(float[] v) {
        return transformFor(keys.active(), v.length).apply(v);
    }

    /** AES-GCM({@code Q·v}) under the active key. */
    public byte[] protect(float[] v, TemplateContext ctx) throws StorageException {
        return seal(transform(v), ctx);
    }

    /** Encrypts a vector that is already in the search space (no transform). */
    public byte[] seal(float[] searchSpaceVector, TemplateContext ctx) throws StorageException {
        requireKind(ctx, TemplateContext.Kind.DESCRIPTOR);
        ByteBuffer b = ByteBuffer.allocate(searchSpaceVector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : searchSpaceVector) {
            b.putFloat(x);
        }
        byte[] plain = b.array();
        try {
            return encrypt(keys.active(), plain, ctx);
        } finally {
            java.util.Arrays.fill(plain, (byte) 0);
        }
    }

    /**
     * Decrypts a descriptor blob: {@code Q·v} in the active transform's space.
     *
     * @throws StorageException {@link ErrorCode#KEY_ERROR} if the blob's key generation is unknown or authentication
     *                          fails (wrong key, tampered or moved data)
     */
    public float[] unprotect(byte[] blob, TemplateContext ctx) throws StorageException {
        requireKind(ctx, TemplateContext.Kind.DESCRIPTOR);
        KeyEntry entry = entryOf(blob, ctx);
        byte[] plain = decrypt(entry, blob, ctx);
        if (plain.length % 4 != 0 || plain.length == 0) {
            throw new StorageException(ErrorCode.KEY_ERROR, "template " + ctx.templateId() + " has a malformed payload");
        }
        ByteBuffer b = ByteBuffer.wrap(plain).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[plain.length / 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = b.getFloat();
        }
        java.util.Arrays.fill(plain, (byte) 0);
        KeyEntry active = keys.active();
        if (entry.sameTransform(active)) {
            return v;
        }
        // Written under an older transform: Q_active · Q_oldᵀ · (Q_old v), in double.
        double[] raw = transformFor(entry, v.length).applyTransposedD(OrthogonalTransform.toDouble(v));
        return OrthogonalTransform.toFloat(transformFor(active, v.length).applyD(raw));
    }

    /** Encrypts opaque bytes (a stored source image) under the active key. */
    public byte[] sealBytes(byte[] plain, TemplateContext ctx) throws StorageException {
        requireKind(ctx, TemplateContext.Kind.SOURCE_IMAGE);
        return encrypt(keys.active(), plain, ctx);
    }

    /** Decrypts bytes sealed with {@link #sealBytes}. */
    public byte[] openBytes(byte[] blob, TemplateContext ctx) throws StorageException {
        requireKind(ctx, TemplateContext.Kind.SOURCE_IMAGE);
        return decrypt(entryOf(blob, ctx), blob, ctx);
    }

    /** Re-encrypts a blob under the active generation (re-transforming descriptors if the transform changed). */
    public byte[] reseal(byte[] blob, TemplateContext ctx) throws StorageException {
        if (isCurrent(blob)) {
            return blob;
        }
        if (ctx.kind() == TemplateContext.Kind.DESCRIPTOR) {
            return seal(unprotect(blob, ctx), ctx);
        }
        byte[] plain = openBytes(blob, ctx);
        try {
            return sealBytes(plain, ctx);
        } finally {
            java.util.Arrays.fill(plain, (byte) 0);
        }
    }

    /** Whether {@code blob} is encrypted under the active generation. */
    public boolean isCurrent(byte[] blob) {
        return keyIdOf(blob).equals(activeKeyId());
    }

    /** The key generation id in a blob's header (empty string for a malformed blob). */
    public static String keyIdOf(byte[] blob) {
        if (blob.length < 2 || blob[0] != VERSION || blob.length < 2 + (blob[1] & 0xff) + NONCE) {
            return "";
        }
        return new String(blob, 2, blob[1] & 0xff, StandardCharsets.US_ASCII);
    }

    // ---------------------------------------------------------------------------------------------------------------

    private OrthogonalTransform transformFor(KeyEntry e, int dim) {
        return transforms.computeIfAbsent(e.id() + "/" + dim, k -> OrthogonalTransform.fromSeed(e.transformSeed(), dim));
    }

    private KeyEntry entryOf(byte[] blob, TemplateContext ctx) throws StorageException {
        String id = keyIdOf(blob);
        if (id.isEmpty()) {
            throw new StorageException(ErrorCode.KEY_ERROR, "template " + ctx.templateId() + " is not a Consentry ciphertext");
        }
        return keys.entry(id).orElseThrow(() -> new StorageException(ErrorCode.KEY_ERROR, "template " + ctx.templateId()
                + " is encrypted with key " + id + ", which this deployment's key file does not hold (active key "
                + keys.activeKeyId() + "); restore the matching key file or " + DeploymentKeys.ENV_VAR));
    }

    private static byte[] encrypt(KeyEntry key, byte[] plain, TemplateContext ctx) throws StorageException {
        byte[] id = key.id().getBytes(StandardCharsets.US_ASCII);
        byte[] nonce = new byte[NONCE];
        RANDOM.nextBytes(nonce);
        int headerLen = 2 + id.length + NONCE;
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key.aesKey(), "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            byte[] out = new byte[headerLen + c.getOutputSize(plain.length)];
            out[0] = VERSION;
            out[1] = (byte) id.length;
            System.arraycopy(id, 0, out, 2, id.length);
            System.arraycopy(nonce, 0, out, 2 + id.length, NONCE);
            c.updateAAD(out, 0, headerLen);
            c.updateAAD(ctx.associatedData());
            c.doFinal(plain, 0, plain.length, out, headerLen);
            return out;
        } catch (GeneralSecurityException e) {
            throw new StorageException(ErrorCode.KEY_ERROR, "cannot encrypt template " + ctx.templateId() + ": " + e.getClass().getSimpleName(), e);
        }
    }

    private static byte[] decrypt(KeyEntry key, byte[] blob, TemplateContext ctx) throws StorageException {
        int idLen = blob[1] & 0xff;
        int headerLen = 2 + idLen + NONCE;
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key.aesKey(), "AES"),
                    new GCMParameterSpec(TAG_BITS, blob, 2 + idLen, NONCE));
            c.updateAAD(blob, 0, headerLen);
            c.updateAAD(ctx.associatedData());
            return c.doFinal(blob, headerLen, blob.length - headerLen);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new StorageException(ErrorCode.KEY_ERROR, "template " + ctx.templateId()
                    + " failed authentication: wrong key, or the stored data was altered or moved", e);
        } catch (GeneralSecurityException e) {
            throw new StorageException(ErrorCode.KEY_ERROR, "cannot decrypt template " + ctx.templateId() + ": " + e.getClass().getSimpleName(), e);
        }
    }

    private static void requireKind(TemplateContext ctx, TemplateContext.Kind kind) {
        if (ctx.kind() != kind) {
            throw new IllegalArgumentException("context kind " + ctx.kind() + " used where " + kind + " is expected");
        }
    }

    @Override
    public String toString() {
        return "TemplateProtector[active key " + activeKeyId() + "]";
    }
}
