package io.consentry.store;

import java.util.Objects;

/**
 * A newly created API key with its secret. The secret ({@code csk_<keyId>_<43 base64url chars>}, 256 random bits) is
 * returned only here; hand it to its holder and drop it. {@link #toString()} does not print it.
 */
public record IssuedApiKey(ApiKey key, String secret) {
    public IssuedApiKey {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(secret, "secret");
    }

    @Override
    public String toString() {
        return "IssuedApiKey[" + key + ", secret=<hidden>]";
    }
}
