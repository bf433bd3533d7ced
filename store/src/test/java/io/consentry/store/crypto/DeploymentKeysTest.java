package io.consentry.store.crypto;

import io.consentry.store.ErrorCode;
import io.consentry.store.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class DeploymentKeysTest {
    @TempDir
    Path home;

    private boolean posix() {
        return home.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    @Test
    void theKeyFileIsCreatedOnFirstStartWithPrivatePermissions() throws Exception {
        DeploymentKeys k = DeploymentKeys.loadOrCreate(home, Map.of());
        Path file = DeploymentKeys.defaultFile(home);
        assertEquals(home.resolve("keys/deployment.key"), file);
        assertTrue(Files.isRegularFile(file));
        assumeTrue(posix());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        assertEquals(k.activeKeyId(), DeploymentKeys.loadOrCreate(home, Map.of()).activeKeyId(), "the second start reads it back");
        assertFalse(k.toString().contains(Files.readString(file).lines().filter(l -> l.startsWith("key=")).findFirst().orElseThrow()
                .split(":")[2]), "toString never shows key material");
        try (var s = Files.list(file.getParent())) {
            assertEquals(1, s.count(), "no temporary files left behind");
        }
    }

    @Test
    void looseFilePermissionsAreTightened() throws Exception {
        assumeTrue(posix());
        DeploymentKeys.loadOrCreate(home, Map.of());
        Path file = DeploymentKeys.defaultFile(home);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        DeploymentKeys.loadOrCreate(home, Map.of());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void theEnvironmentVariableWinsAndIsReadOnly() throws Exception {
        String b64 = DeploymentKeys.generateBase64();
        DeploymentKeys k = DeploymentKeys.loadOrCreate(home, Map.of(DeploymentKeys.ENV_VAR, b64));
        assertFalse(Files.exists(DeploymentKeys.defaultFile(home)), "no key file when the variable is set");
        assertEquals(k.activeKeyId(), DeploymentKeys.fromBase64(b64).activeKeyId(), "stable id for the same key");
        assertTrue(k.isReadOnly());
        StorageException e = assertThrows(StorageException.class, () -> k.withNewActive(false));
        assertEquals(ErrorCode.KEY_ERROR, e.code());
        StorageException bad = assertThrows(StorageException.class, () -> DeploymentKeys.fromBase64("c2hvcnQ="));
        assertTrue(bad.getMessage().contains("64 bytes"));
        assertThrows(StorageException.class, () -> DeploymentKeys.fromBase64("not base64 !!"));
        // same key material from the variable: a template sealed by one instance opens with the other
        TemplateProtector a = TemplateProtector.of(k);
        TemplateProtector b = TemplateProtector.of(DeploymentKeys.fromBase64(b64));
        float[] v = io.consentry.store.testing.Fixtures.unitVector(new java.util.Random(2), 128);
        TemplateContext ctx = TemplateContext.descriptor("t", "c");
        assertEquals(0, java.util.Arrays.compare(a.transform(v), b.unprotect(a.protect(v, ctx), ctx)));
    }

    @Test
    void rotationPersistsGenerationsUntilRetired() throws Exception {
        DeploymentKeys k = DeploymentKeys.loadOrCreate(home, Map.of());
        DeploymentKeys next = k.withNewActive(false);
        assertNotEquals(k.activeKeyId(), next.activeKeyId());
        DeploymentKeys reread = DeploymentKeys.loadOrCreate(home, Map.of());
        assertEquals(java.util.List.of(next.activeKeyId(), k.activeKeyId()), reread.keyIds());
        DeploymentKeys retired = next.retainOnlyActive();
        assertEquals(java.util.List.of(next.activeKeyId()), DeploymentKeys.loadOrCreate(home, Map.of()).keyIds());
        assertTrue(retired.entry(k.activeKeyId()).isPresent(), "kept in memory for reads already running");
        if (posix()) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(DeploymentKeys.defaultFile(home))));
        }
    }

    @Test
    void aDamagedKeyFileIsRefusedWithTheLine() throws Exception {
        DeploymentKeys.loadOrCreate(home, Map.of());
        Path file = DeploymentKeys.defaultFile(home);
        String text = Files.readString(file);
        String keyLine = text.lines().filter(l -> l.startsWith("key=")).findFirst().orElseThrow();
        String[] parts = keyLine.split(":");
        String damaged = text.replace(keyLine, parts[0] + ":" + parts[1] + ":" + parts[2].substring(0, 10) + "AAAA" + parts[2].substring(14));
        Files.writeString(file, damaged, StandardCharsets.UTF_8);
        StorageException e = assertThrows(StorageException.class, () -> DeploymentKeys.loadOrCreate(home, Map.of()));
        assertEquals(ErrorCode.KEY_ERROR, e.code());
        assertTrue(e.getMessage().contains("line"), e.getMessage());
        Files.writeString(file, "hello\n");
        assertThrows(StorageException.class, () -> DeploymentKeys.loadOrCreate(home, Map.of()));
    }
}
