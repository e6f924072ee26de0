package org.opensearch.hubness.norm;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The normalisation methods of docs/method.md (QB-Norm's and DBNorm's, plus CSLS and NNN). */
public enum Method {
    /** raw similarity */
    NONE,
    /** QB-Norm inverted softmax over the query bank */
    IS,
    /** QB-Norm dynamic inverted softmax: IS only when the query's top-1 is in the query bank's activation set */
    DIS,
    /** DBNorm dual inverted softmax over the query bank and the gallery bank */
    DUAL_IS,
    /** DBNorm dual dynamic inverted softmax: each bank's term gated by its own activation set */
    DUAL_DIS,
    /** cross-domain similarity local scaling against the query bank */
    CSLS,
    /** nearest neighbour normalisation against the query bank */
    NNN;

    public String externalName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Method fromString(String name) {
        for (Method m : values()) {
            if (m.externalName().equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown method [" + name + "]; valid methods are "
                + Arrays.stream(values()).map(Method::externalName).collect(Collectors.joining(", ")));
    }

    public boolean needsQueryBank() {
        return this != NONE;
    }

    public boolean needsGalleryBank() {
        return this == DUAL_IS || this == DUAL_DIS;
    }

    /** Whether the bank terms are switched per query by the activation-set gates. */
    public boolean isGated() {
        return this == DIS || this == DUAL_DIS;
    }
}
