package io.consentry.store.crypto;

import java.time.Instant;

/**
 * One generation of deployment key material: a 256-bit AES key and a 256-bit transform seed. Package-private: key
 * bytes never leave this package. {@link #toString()} prints only the id.
 */
record KeyEntry(String id, byte[] aesKey, byte[] transformSeed, Instant createdAt) {
    KeyEntry {
        if (aesKey.length != 32 || transformSeed.length != 32) {
            throw new IllegalArgumentException("key material must be 32 + 32 bytes");
        }
        aesKey = aesKey.clone();
        transformSeed = transformSeed.clone();
    }

    boolean sameTransform(KeyEntry o) {
        return java.security.MessageDigest.isEqual(transformSeed, o.transformSeed);
    }

    @Override
    public String toString() {
        return "KeyEntry[" + id + ", created " + createdAt + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyEntry k && k.id.equals(id);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }
}
