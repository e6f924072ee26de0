package org.opensearch.hubness.bank;

import java.io.IOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.hubness.norm.NormParams;
import org.opensearch.hubness.norm.Similarity;

/**
 * What a user asked for in PUT /_plugins/_hubness/banks/{name}: the gallery, the sources of the two banks and the
 * parameters. Validated when parsed, so a bad definition is a 400 before any work starts. The cluster state holds it
 * in its stored form (posted vectors as blob references): on the wire as a {@link Writeable}, in the gateway and
 * snapshots as the object {@link #toXContent} writes and {@link #fromXContent} reads with the PUT's own validation.
 */
public record BankDefinition(
        String name,
        String galleryIndex,
        String galleryField,
        VectorSource queryBank,
        VectorSource galleryBank,
        NormParams params,
        Similarity similarity,
        String description,
        RebuildPolicy rebuildPolicy)
        implements Writeable, ToXContentObject {

    /**
     * The largest [hub_k]: every bank vector keeps its top max(k, hub_k) documents through the build, so this bounds
     * the pass's lists (and what each shard sends back) at 100 entries per bank vector.
     */
    public static final int MAX_HUB_K = 100;

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,127}");

    public static void validateName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid bank name [" + name
                    + "]: use 1-128 lowercase letters, digits, '_', '-' or '.', starting with a letter or digit");
        }
    }

    public BankDefinition(StreamInput in) throws IOException {
        this(
                in.readString(),
                in.readString(),
                in.readString(),
                in.readOptionalWriteable(VectorSource::new),
                in.readOptionalWriteable(VectorSource::new),
                new NormParams(
                        in.readDouble(),
                        in.readDouble(),
                        in.readVInt(),
                        in.readVInt(),
                        in.readVInt(),
                        in.readDouble(),
                        in.readVInt()),
                similarity(in.readOptionalString()),
                in.readOptionalString(),
                in.readOptionalWriteable(RebuildPolicy::new));
    }

    private static Similarity similarity(String name) {
        return name == null ? null : Similarity.fromString(name);
    }

    /** The stored form only: posted vectors travel as their blob reference, never inline. */
    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(name);
        out.writeString(galleryIndex);
        out.writeString(galleryField);
        out.writeOptionalWriteable(queryBank);
        out.writeOptionalWriteable(galleryBank);
        out.writeDouble(params.betaQuery());
        out.writeDouble(params.betaGallery());
        out.writeVInt(params.activationK());
        out.writeVInt(params.cslsK());
        out.writeVInt(params.nnnK());
        out.writeDouble(params.nnnAlpha());
        out.writeVInt(params.hubK());
        out.writeOptionalString(similarity == null ? null : similarity.externalName());
        out.writeOptionalString(description);
        out.writeOptionalWriteable(rebuildPolicy);
    }

    public static BankDefinition fromMap(String name, Map<String, Object> body) {
        return parse(name, body, false);
    }

    /** A definition as the cluster state stores it: posted vectors are references to blobs. */
    public static BankDefinition fromStored(String name, Map<String, Object> body) {
        return parse(name, body, true);
    }

    @SuppressWarnings("unchecked")
    private static BankDefinition parse(String name, Map<String, Object> body, boolean stored) {
        validateName(name);
        if (body == null || body.isEmpty())
            throw new IllegalArgumentException(
                    "the request body must define the bank: {\"gallery\": {\"index\": ..., \"field\": ...}, \"query_bank\": ..., \"gallery_bank\": ...}");
        Definitions.onlyKeys(
                "bank",
                body,
                "gallery",
                "query_bank",
                "gallery_bank",
                "beta_query",
                "beta_gallery",
                "k",
                "csls_k",
                "nnn_k",
                "nnn_alpha",
                "hub_k",
                "similarity",
                "description",
                "rebuild_policy");
        if (!(body.get("gallery") instanceof Map<?, ?> g))
            throw new IllegalArgumentException(
                    "[gallery] is required: {\"index\": \"<gallery index>\", \"field\": \"<knn_vector field>\"}");
        Map<String, Object> gallery = (Map<String, Object>) g;
        Definitions.onlyKeys("gallery", gallery, "index", "field");
        String index = Definitions.string("gallery.index", gallery.get("index"));
        String field = Definitions.string("gallery.field", gallery.get("field"));
        VectorSource qb = body.get("query_bank") == null
                ? null
                : VectorSource.parse("query_bank", body.get("query_bank"), false, stored);
        VectorSource gb = body.get("gallery_bank") == null
                ? null
                : VectorSource.parse("gallery_bank", body.get("gallery_bank"), true, stored);
        if (qb == null && gb == null)
            throw new IllegalArgumentException("a bank needs at least one of [query_bank] and [gallery_bank]");
        NormParams d = NormParams.defaults();
        double betaQ = Definitions.doubleValue("beta_query", body.get("beta_query"), d.betaQuery());
        double betaG = Definitions.doubleValue("beta_gallery", body.get("beta_gallery"), d.betaGallery());
        NormParams.requireBeta(betaQ, "beta_query");
        NormParams.requireBeta(betaG, "beta_gallery");
        int k = Definitions.intValue("k", body.get("k"), d.activationK());
        if (k < 1 || k > 1000)
            throw new IllegalArgumentException("[k] (activation depth) must be between 1 and 1000, got [" + k + "]");
        int cslsK = Definitions.intValue("csls_k", body.get("csls_k"), d.cslsK());
        int nnnK = Definitions.intValue("nnn_k", body.get("nnn_k"), d.nnnK());
        double alpha = Definitions.doubleValue("nnn_alpha", body.get("nnn_alpha"), d.nnnAlpha());
        int hubK = Definitions.intValue("hub_k", body.get("hub_k"), d.hubK());
        if (hubK < 1 || hubK > MAX_HUB_K)
            throw new IllegalArgumentException("[hub_k] (the k of the recorded hubs' N_k) must be between 1 and "
                    + MAX_HUB_K + ", got [" + hubK + "]");
        NormParams params;
        try {
            params = new NormParams(betaQ, betaG, k, cslsK, nnnK, alpha, hubK);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid bank parameters: " + e.getMessage(), e);
        }
        Similarity similarity = body.get("similarity") == null
                ? null
                : Similarity.fromString(Definitions.string("similarity", body.get("similarity")));
        String description = body.get("description") == null ? null : String.valueOf(body.get("description"));
        RebuildPolicy policy =
                body.get("rebuild_policy") == null ? null : RebuildPolicy.parse(body.get("rebuild_policy"));
        if (policy != null && policy.minNewQueries() != null && !capturesQueries(qb)) {
            throw new IllegalArgumentException("[rebuild_policy.min_new_queries] counts query vectors captured since"
                    + " the build, so it needs a captured query bank ([query_bank.captured]); for a bank of an index or"
                    + " of posted vectors use [min_gallery_change]");
        }
        return new BankDefinition(name, index, field, qb, gb, params, similarity, description, policy);
    }

    /** Whether the query bank grows from captured searches, the only source whose new vectors a policy can count. */
    static boolean capturesQueries(VectorSource qb) {
        return qb != null && qb.captured() != null;
    }

    /** The definition as the cluster state stores it (posted vectors as blob references; similarity null means: the field's space type, decided at build). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("gallery", Map.of("index", galleryIndex, "field", galleryField));
        if (queryBank != null) m.put("query_bank", queryBank.toMap());
        if (galleryBank != null) m.put("gallery_bank", galleryBank.toMap());
        params.writeTo(m::put);
        if (similarity != null) m.put("similarity", similarity.externalName());
        if (description != null) m.put("description", description);
        if (rebuildPolicy != null) m.put("rebuild_policy", rebuildPolicy.toMap());
        return m;
    }

    /** The stored form as the gateway and snapshots keep it (posted vectors must have been stored as blobs). */
    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        return builder.map(toMap());
    }

    /** Reads what {@link #toXContent} wrote, validated like a PUT (the parser is on the object's start). */
    public static BankDefinition fromXContent(XContentParser parser, String name) throws IOException {
        return fromStored(name, parser.map());
    }

    /** The blob ids of posted vectors this definition references (they live as long as the bank). */
    public Set<String> postedBlobIds() {
        Set<String> out = new HashSet<>();
        if (queryBank != null && queryBank.posted() != null)
            out.add(queryBank.posted().blobId());
        if (galleryBank != null && galleryBank.posted() != null)
            out.add(galleryBank.posted().blobId());
        return out;
    }

    public BankDefinition withSources(VectorSource query, VectorSource gallery) {
        return new BankDefinition(
                name, galleryIndex, galleryField, query, gallery, params, similarity, description, rebuildPolicy);
    }

    public BankDefinition withRebuildPolicy(RebuildPolicy policy) {
        return new BankDefinition(
                name, galleryIndex, galleryField, queryBank, galleryBank, params, similarity, description, policy);
    }

    /** The definition for GET: like toMap, but posted vectors are summarised, not echoed. */
    public Map<String, Object> describe() {
        Map<String, Object> m = toMap();
        if (queryBank != null) m.put("query_bank", queryBank.describe());
        if (galleryBank != null) m.put("gallery_bank", galleryBank.describe());
        return m;
    }
}
