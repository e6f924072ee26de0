package org.opensearch.hubness.bank;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;

/**
 * Where the vectors of one bank come from: documents of an index (read server-side, so huge banks are never
 * uploaded), vectors posted in the request, or a seeded sample of the gallery itself. On the wire only in its stored
 * form: posted vectors as their blob reference.
 */
public record VectorSource(
        Kind kind,
        String index,
        String field,
        int maxSize,
        float[][] vectors,
        PostedBlob posted,
        int sampleSize,
        long seed,
        CapturedSpec captured)
        implements Writeable {

    public enum Kind {
        INDEX,
        VECTORS,
        SAMPLE,
        /** Only captured query vectors ({@code {"captured": {...}}} alone): no seed. */
        CAPTURED
    }

    public static final int DEFAULT_MAX_SIZE = 10_000;
    /** A bank beyond this many vectors costs more to build and hold than it can improve a ranking. */
    public static final int MAX_SIZE_LIMIT = 200_000;

    public VectorSource(StreamInput in) throws IOException {
        this(
                in.readEnum(Kind.class),
                in.readOptionalString(),
                in.readOptionalString(),
                in.readVInt(),
                null,
                in.readOptionalWriteable(PostedBlob::new),
                in.readVInt(),
                in.readLong(),
                in.readOptionalWriteable(CapturedSpec::new));
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        if (kind == Kind.VECTORS && posted == null)
            throw new IllegalStateException("posted vectors are stored as blobs, never sent inside a definition");
        out.writeEnum(kind);
        out.writeOptionalString(index);
        out.writeOptionalString(field);
        out.writeVInt(maxSize);
        out.writeOptionalWriteable(posted);
        out.writeVInt(sampleSize);
        out.writeLong(seed);
        out.writeOptionalWriteable(captured);
    }

    /**
     * Parses {"index","field","max_size"} | {"vectors": [[...]]} | {"sample": {"size","seed"}} (sample only for the
     * gallery bank); the query bank may add {"captured": {...}} to any of its forms or consist of it alone.
     */
    @SuppressWarnings("unchecked")
    static VectorSource parse(String what, Object raw, boolean sampleAllowed, boolean stored) {
        boolean captureAllowed = !sampleAllowed; // the query bank: searches capture query vectors, not gallery items
        if (raw instanceof Map<?, ?> map && map.containsKey("captured")) {
            if (!captureAllowed)
                throw new IllegalArgumentException("[" + what + "] cannot be [captured]; searches capture query"
                        + " vectors, which belong in [query_bank]");
            Map<String, Object> seed = new LinkedHashMap<>((Map<String, Object>) map);
            Object captured = seed.remove("captured");
            if (seed.isEmpty())
                return new VectorSource(
                        Kind.CAPTURED,
                        null,
                        null,
                        0,
                        null,
                        null,
                        0,
                        0,
                        CapturedSpec.parse(what + ".captured", captured, true));
            return parseSeed(what, seed, sampleAllowed, stored)
                    .withCaptured(CapturedSpec.parse(what + ".captured", captured, false));
        }
        return parseSeed(what, raw, sampleAllowed, stored);
    }

    @SuppressWarnings("unchecked")
    private static VectorSource parseSeed(String what, Object raw, boolean sampleAllowed, boolean stored) {
        if (!(raw instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("[" + what + "] must be an object: {\"index\": ..., \"field\": ...}"
                    + ", {\"vectors\": [[...], ...]}"
                    + (sampleAllowed ? " or {\"sample\": {\"size\": ..., \"seed\": ...}}" : ""));
        }
        Map<String, Object> m = (Map<String, Object>) map;
        if (stored && m.containsKey("posted")) {
            if (!(m.get("posted") instanceof Map<?, ?> reference))
                throw new IllegalArgumentException("[" + what + ".posted] must be an object");
            Map<String, Object> p = (Map<String, Object>) reference;
            Definitions.onlyKeys(what + ".posted", p, "blob", "count", "dimension", "sha256");
            return new VectorSource(
                    Kind.VECTORS,
                    null,
                    null,
                    0,
                    null,
                    new PostedBlob(
                            Definitions.string(what + ".posted.blob", p.get("blob")),
                            Definitions.intValue(what + ".posted.count", p.get("count"), 0),
                            Definitions.intValue(what + ".posted.dimension", p.get("dimension"), 0),
                            Definitions.string(what + ".posted.sha256", p.get("sha256"))),
                    0,
                    0,
                    null);
        }
        if (m.containsKey("vectors")) {
            Definitions.onlyKeys(what, m, "vectors");
            return new VectorSource(
                    Kind.VECTORS, null, null, 0, parseVectors(what, m.get("vectors")), null, 0, 0, null);
        }
        if (m.containsKey("sample")) {
            if (!sampleAllowed)
                throw new IllegalArgumentException(
                        "[" + what + "] cannot be a [sample]; only the gallery bank can sample the gallery");
            Definitions.onlyKeys(what, m, "sample");
            if (!(m.get("sample") instanceof Map<?, ?> s))
                throw new IllegalArgumentException(
                        "[" + what + ".sample] must be an object {\"size\": ..., \"seed\": ...}");
            Map<String, Object> sample = (Map<String, Object>) s;
            Definitions.onlyKeys(what + ".sample", sample, "size", "seed");
            int size = Definitions.intValue(what + ".sample.size", sample.get("size"), 5000);
            if (size < 1 || size > MAX_SIZE_LIMIT)
                throw new IllegalArgumentException(
                        "[" + what + ".sample.size] must be between 1 and " + MAX_SIZE_LIMIT + ", got " + size);
            long seed = Definitions.longValue(what + ".sample.seed", sample.get("seed"), 42L);
            return new VectorSource(Kind.SAMPLE, null, null, 0, null, null, size, seed, null);
        }
        if (m.containsKey("index")) {
            Definitions.onlyKeys(what, m, "index", "field", "max_size");
            String index = Definitions.string(what + ".index", m.get("index"));
            String field = Definitions.string(what + ".field", m.get("field"));
            int maxSize = Definitions.intValue(what + ".max_size", m.get("max_size"), DEFAULT_MAX_SIZE);
            if (maxSize < 1 || maxSize > MAX_SIZE_LIMIT)
                throw new IllegalArgumentException(
                        "[" + what + ".max_size] must be between 1 and " + MAX_SIZE_LIMIT + ", got " + maxSize);
            return new VectorSource(Kind.INDEX, index, field, maxSize, null, null, 0, 0, null);
        }
        throw new IllegalArgumentException("[" + what + "] needs [index] and [field], or [vectors]"
                + (sampleAllowed ? ", or [sample]" : ", or [captured]"));
    }

    private static float[][] parseVectors(String what, Object raw) {
        if (!(raw instanceof List<?> rows) || rows.isEmpty()) {
            throw new IllegalArgumentException("[" + what
                    + ".vectors] must be a non-empty array of vectors; an empty bank cannot normalise anything");
        }
        if (rows.size() > MAX_SIZE_LIMIT)
            throw new IllegalArgumentException("[" + what + ".vectors] holds " + rows.size() + " vectors; at most "
                    + MAX_SIZE_LIMIT + " are allowed");
        float[][] out = new float[rows.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = Definitions.vector(what + ".vectors[" + i + "]", rows.get(i));
            if (out[i].length != out[0].length) {
                throw new IllegalArgumentException(
                        "[" + what + ".vectors[" + i + "]] has " + out[i].length + " dimensions but [" + what
                                + ".vectors[0]] has " + out[0].length + "; all vectors must have the same dimension");
            }
        }
        return out;
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        switch (kind) {
            case INDEX -> {
                m.put("index", index);
                m.put("field", field);
                m.put("max_size", maxSize);
            }
            case SAMPLE -> m.put("sample", Map.of("size", sampleSize, "seed", seed));
            case VECTORS -> {
                if (posted == null)
                    throw new IllegalStateException("posted vectors are stored as blobs, never inside a definition");
                m.put(
                        "posted",
                        Map.of(
                                "blob",
                                posted.blobId(),
                                "count",
                                posted.count(),
                                "dimension",
                                posted.dimension(),
                                "sha256",
                                posted.sha256()));
            }
            case CAPTURED -> {}
        }
        if (captured != null) m.put("captured", captured.toMap());
        return m;
    }

    /** The same source with its posted vectors stored as a blob (for the definition) or read back (for a build). */
    public VectorSource withPosted(PostedBlob blob) {
        return new VectorSource(kind, index, field, maxSize, null, blob, sampleSize, seed, captured);
    }

    public VectorSource withVectors(float[][] rows) {
        return new VectorSource(kind, index, field, maxSize, rows, posted, sampleSize, seed, captured);
    }

    public VectorSource withCaptured(CapturedSpec spec) {
        return new VectorSource(kind, index, field, maxSize, vectors, posted, sampleSize, seed, spec);
    }

    /** Provenance for GET: where the vectors came from, without echoing posted vectors back. */
    Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        switch (kind) {
            case INDEX -> {
                m.put("index", index);
                m.put("field", field);
                m.put("max_size", maxSize);
            }
            case SAMPLE -> {
                m.put("sample_of_gallery", true);
                m.put("size", sampleSize);
                m.put("seed", seed);
            }
            case VECTORS -> {
                m.put("posted_vectors", posted != null ? posted.count() : vectors.length);
                m.put("dimension", posted != null ? posted.dimension() : vectors[0].length);
            }
            case CAPTURED -> {}
        }
        if (captured != null) m.put("captured", captured.toMap());
        return m;
    }
}
