/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.bank.storage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opensearch.hubness.bank.BankHubs;

/**
 * A version's hubs in its manifest ({@code "hubs": {"query_bank": {...}, "gallery_bank": {...}}}) and in its digest.
 * A version built before hubs were recorded has no such entry and hashes as before.
 */
final class HubsManifest {

    static final String QUERY_BANK = "query_bank";
    static final String GALLERY_BANK = "gallery_bank";

    private HubsManifest() {}

    static Map<String, Object> toMap(BankHubs query, BankHubs gallery) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (query != null) m.put(QUERY_BANK, toMap(query));
        if (gallery != null) m.put(GALLERY_BANK, toMap(gallery));
        return m;
    }

    private static Map<String, Object> toMap(BankHubs h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("k", h.k());
        m.put("documents", h.documents());
        // JSON has no NaN: an all-equal N_k (no skewness) is stored as null
        m.put("skewness", Double.isNaN(h.skewness()) ? null : h.skewness());
        List<String> ids = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        for (BankHubs.Hub hub : h.hubs()) {
            ids.add(hub.id());
            counts.add(hub.count());
        }
        m.put("ids", ids);
        m.put("counts", counts);
        return m;
    }

    /** One bank's hubs from the manifest's {@code hubs} entry; null when it has none for that bank. */
    @SuppressWarnings("unchecked")
    static BankHubs fromMap(Map<String, Object> hubs, String bank) {
        if (hubs == null || !(hubs.get(bank) instanceof Map<?, ?> entry)) return null;
        Map<String, Object> m = (Map<String, Object>) entry;
        List<String> ids = (List<String>) m.get("ids");
        List<Number> counts = (List<Number>) m.get("counts");
        if (ids.size() != counts.size()) {
            throw new IllegalArgumentException(ids.size() + " hub ids but " + counts.size() + " counts");
        }
        List<BankHubs.Hub> list = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++)
            list.add(new BankHubs.Hub(ids.get(i), counts.get(i).intValue()));
        Number skew = (Number) m.get("skewness");
        return new BankHubs(
                ((Number) m.get("k")).intValue(),
                ((Number) m.get("documents")).longValue(),
                skew == null ? Double.NaN : skew.doubleValue(),
                list);
    }

    /** The canonical text the digest hashes: nothing for a version without hubs. */
    static void digestText(StringBuilder s, BankHubs query, BankHubs gallery) {
        if (query == null && gallery == null) return;
        s.append("hubs\n");
        digestText(s, QUERY_BANK, query);
        digestText(s, GALLERY_BANK, gallery);
    }

    private static void digestText(StringBuilder s, String bank, BankHubs h) {
        if (h == null) return;
        s.append(bank)
                .append(' ')
                .append(h.k())
                .append(' ')
                .append(h.documents())
                .append(' ')
                .append(Double.doubleToLongBits(h.skewness()))
                .append('\n');
        for (BankHubs.Hub hub : h.hubs())
            s.append(hub.id().length()).append(':').append(hub.id()).append('=').append(hub.count());
        s.append('\n');
    }
}
