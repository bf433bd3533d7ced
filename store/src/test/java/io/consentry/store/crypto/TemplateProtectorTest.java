package io.consentry.store.crypto;

import io.consentry.store.ErrorCode;
import io.consentry.store.StorageException;
import io.consentry.store.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TemplateProtectorTest {
    private final Random rnd = new Random(1);

    @Test
    void protectEncryptsTheTransformedVectorAndUnprotectReturnsIt() throws Exception {
        TemplateProtector p = TemplateProtector.of(DeploymentKeys.generateInMemory());
        float[] v = Fixtures.unitVector(rnd, 128);
        TemplateContext ctx = TemplateContext.descriptor("t-1", "c-1");
        byte[] blob = p.protect(v, ctx);
        assertArrayEquals(p.transform(v), p.unprotect(blob, ctx), 0f);
        assertEquals(p.activeKeyId(), TemplateProtector.keyIdOf(blob));
        assertFalse(java.util.Arrays.equals(blob, p.protect(v, ctx)), "a fresh nonce per write");
        float[] probe = Fixtures.near(rnd, v, 0.05);
        assertEquals(Fixtures.dot(v, probe), Fixtures.dot(p.unprotect(blob, ctx), p.transform(probe)), 1e-5);
    }

    @Test
    void ciphertextIsBoundToItsTemplateAndTamperEvident() throws Exception {
        TemplateProtector p = TemplateProtector.of(DeploymentKeys.generateInMemory());
        byte[] blob = p.protect(Fixtures.unitVector(rnd, 128), TemplateContext.descriptor("t-1", "c-1"));
        StorageException moved = assertThrows(StorageException.class, () -> p.unprotect(blob, TemplateContext.descriptor("t-2", "c-1")));
        assertEquals(ErrorCode.KEY_ERROR, moved.code());
        assertThrows(StorageException.class, () -> p.unprotect(blob, TemplateContext.descriptor("t-1", "c-2")));
        byte[] flipped = blob.clone();
        flipped[flipped.length - 20] ^= 1;
        assertThrows(StorageException.class, () -> p.unprotect(flipped, TemplateContext.descriptor("t-1", "c-1")));
        TemplateProtector other = TemplateProtector.of(DeploymentKeys.generateInMemory());
        StorageException wrongKey = assertThrows(StorageException.class, () -> other.unprotect(blob, TemplateContext.descriptor("t-1", "c-1")));
        assertTrue(wrongKey.getMessage().contains("does not hold"), wrongKey.getMessage());
    }

    /** The same face under two deployments: unrelated stored vectors, and no cross-deployment matching. */
    @Test
    void twoDeploymentsProduceUnlinkableTemplates() throws Exception {
        TemplateProtector d1 = TemplateProtector.of(DeploymentKeys.generateInMemory());
        TemplateProtector d2 = TemplateProtector.of(DeploymentKeys.generateInMemory());
        double sum = 0;
        double worst = 0;
        int n = 500;
        for (int i = 0; i < n; i++) {
            float[] v = Fixtures.unitVector(rnd, 128);
            TemplateContext ctx = TemplateContext.descriptor("t-" + i, "c");
            float[] a = d1.unprotect(d1.protect(v, ctx), ctx);
            float[] b = d2.unprotect(d2.protect(v, ctx), ctx);
            double c = Math.abs(Fixtures.cos(a, b));
            sum += c;
            worst = Math.max(worst, c);
            // within one deployment the same descriptor matches itself perfectly
            assertEquals(1.0, Fixtures.cos(a, d1.transform(v)), 1e-5);
        }
        assertTrue(sum / n < 0.1, "mean |cos| across deployments " + sum / n);
        assertTrue(worst < 0.45, "max |cos| across deployments " + worst);
    }

    @Test
    void rotationKeepsVectorsAndRekeyMapsOldBlobsIntoTheNewSpace() throws Exception {
        DeploymentKeys k1 = DeploymentKeys.generateInMemory();
        TemplateProtector p1 = TemplateProtector.of(k1);
        float[] v = Fixtures.unitVector(rnd, 128);
        TemplateContext ctx = TemplateContext.descriptor("t", "c");
        byte[] old = p1.protect(v, ctx);

        TemplateProtector rotated = TemplateProtector.of(k1.withNewActive(false));
        assertNotEquals(p1.activeKeyId(), rotated.activeKeyId());
        assertFalse(rotated.isCurrent(old));
        byte[] resealed = rotated.reseal(old, ctx);
        assertTrue(rotated.isCurrent(resealed));
        assertArrayEquals(p1.transform(v), rotated.unprotect(resealed, ctx), 0f, "same transform after rotate");

        TemplateProtector rekeyed = TemplateProtector.of(k1.withNewActive(true));
        float[] mapped = rekeyed.unprotect(old, ctx); // old blob read through the new space
        assertArrayEquals(rekeyed.transform(v), mapped, 1e-5f);
        assertTrue(Math.abs(Fixtures.cos(mapped, p1.transform(v))) < 0.5, "the new space differs");
    }

    @Test
    void sourceImagesAreSealedWithoutTransform() throws Exception {
        TemplateProtector p = TemplateProtector.of(DeploymentKeys.generateInMemory());
        byte[] img = "jpeg".getBytes();
        TemplateContext ctx = TemplateContext.sourceImage("t", "c");
        assertArrayEquals(img, p.openBytes(p.sealBytes(img, ctx), ctx));
        assertThrows(IllegalArgumentException.class, () -> p.sealBytes(img, TemplateContext.descriptor("t", "c")));
    }
}
