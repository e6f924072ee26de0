/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */

package org.opensearch.hubness.rescore;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How the gated methods ({@code dis}, {@code dual_dis}) find t(q), the query's top-1 gallery document whose
 * membership in the activation sets decides the gates (docs/method.md). Decided once per request on the coordinating
 * node, either way.
 */
public enum Top1 {
    /** The first hit of a k = 1 {@code knn} query on the gallery field, through the field's own k-NN engine. */
    KNN,
    /** The exact argmax of s(q, g) over the whole gallery: k-NN's exact scoring script over every document. */
    EXACT;

    public String externalName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Top1 fromString(String s) {
        for (Top1 t : values()) {
            if (t.externalName().equals(s)) return t;
        }
        throw new IllegalArgumentException("[top1] must be one of ["
                + Arrays.stream(values()).map(Top1::externalName).collect(Collectors.joining(", ")) + "], got [" + s
                + "]");
    }
}
