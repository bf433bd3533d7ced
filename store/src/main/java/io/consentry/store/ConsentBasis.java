package io.consentry.store;

import java.util.Locale;

/** How a consent (or the lawful ground replacing it) was obtained. */
public enum ConsentBasis {
    /** A signed paper or electronic form; its document hash is required as evidence. */
    SIGNED_FORM,
    /** Consent given in an app (the hash of the consent screen / event record is recommended as evidence). */
    IN_APP,
    /** No consent: a legal basis (statute, court order, contract) named by a legal reference, which is required. */
    LEGAL_BASIS;

    /** E.g. {@code "signed-form"}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses a wire name or constant name (case-insensitive). */
    public static ConsentBasis fromWire(String name) {
        for (ConsentBasis b : values()) {
            if (b.wireName().equalsIgnoreCase(name) || b.name().equalsIgnoreCase(name)) {
                return b;
            }
        }
        throw new IllegalArgumentException("unknown consent basis '" + name + "'; expected signed-form, in-app or legal-basis");
    }
}
