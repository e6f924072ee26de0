/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.build;

import org.opensearch.hubness.bank.BankDefinition;
import org.opensearch.hubness.bank.VectorSource;
import org.opensearch.hubness.field.VectorFieldSpec;
import org.opensearch.hubness.security.SourceVisibility;
import org.opensearch.index.IndexNotFoundException;

/**
 * A build's index sources as its caller sees them: each checked whole (a 403 otherwise) and counted once, before the
 * build is recorded, then handed on to the memory reservation, the reads and the report's drift counts. A bank read
 * from an index has its {@link SourceVisibility.Whole}; a posted or sampled one has none (null).
 */
record BuildSources(
        BankDefinition def,
        SourceVisibility.Whole gallery,
        SourceVisibility.Whole queryBank,
        SourceVisibility.Whole galleryBank) {

    /** Checks the gallery, then each bank read from an index, as the caller (in the caller's thread context). */
    static BuildSources check(SourceVisibility visibility, BankDefinition def) {
        SourceVisibility.Whole gallery = visibility.requireWhole("gallery", def.galleryIndex(), def.galleryField());
        return new BuildSources(
                def,
                gallery,
                bank(visibility, "query_bank", def.queryBank()),
                bank(visibility, "gallery_bank", def.galleryBank()));
    }

    private static SourceVisibility.Whole bank(SourceVisibility visibility, String what, VectorSource source) {
        if (source == null || source.kind() != VectorSource.Kind.INDEX) return null;
        try {
            return visibility.requireWhole(what, source.index(), source.field());
        } catch (IndexNotFoundException e) {
            throw new IllegalArgumentException("[" + what + "] index [" + source.index() + "] does not exist", e);
        }
    }

    /** Whether {@code other} reads the same index sources (the same gallery and the same index banks). */
    boolean covers(BankDefinition other) {
        return def.galleryIndex().equals(other.galleryIndex())
                && def.galleryField().equals(other.galleryField())
                && sameIndex(def.queryBank(), other.queryBank())
                && sameIndex(def.galleryBank(), other.galleryBank());
    }

    private static boolean sameIndex(VectorSource a, VectorSource b) {
        boolean aIndex = a != null && a.kind() == VectorSource.Kind.INDEX;
        boolean bIndex = b != null && b.kind() == VectorSource.Kind.INDEX;
        if (!aIndex || !bIndex) return aIndex == bIndex;
        return a.index().equals(b.index()) && a.field().equals(b.field());
    }

    VectorFieldSpec galleryField() {
        return gallery.spec();
    }

    /** The bank's source ("query_bank" or "gallery_bank") when it is read from an index, else null. */
    SourceVisibility.Whole bank(String what) {
        return "query_bank".equals(what) ? queryBank : galleryBank;
    }

    /**
     * Documents with {@code field} in the source {@code name} names (the gallery, or an index bank), as counted by the
     * check: what the memory reservation bounds the rows with.
     */
    long documents(String name, String field) {
        if (name.equals(def.galleryIndex()) && field.equals(def.galleryField())) return gallery.documents();
        for (String what : new String[] {"query_bank", "gallery_bank"}) {
            VectorSource source = "query_bank".equals(what) ? def.queryBank() : def.galleryBank();
            if (bank(what) != null && name.equals(source.index()) && field.equals(source.field()))
                return bank(what).documents();
        }
        throw new IllegalStateException(
                "[" + name + "] [" + field + "] is not a checked source of bank [" + def.name() + "]");
    }
}
