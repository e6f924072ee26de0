package org.opensearch.hubness.norm;

import java.util.Set;

/**
 * A finished gallery pass: the number of documents, the activation sets as document keys (Aq = ∪ top-k of the query
 * bank's vectors, Ag likewise for the gallery bank; empty without that bank), the hubness report (null when no
 * query-bank vector was asked to report, or the gallery is empty) and each bank's N_hub_k (null without that bank).
 */
public record PassResult(
        long documents,
        Set<Long> queryActivation,
        Set<Long> galleryActivation,
        HubnessSummary report,
        NormParams params,
        HubCounts queryHubs,
        HubCounts galleryHubs) {}
