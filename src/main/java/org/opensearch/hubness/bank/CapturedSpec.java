package org.opensearch.hubness.bank;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;

/**
 * {@code query_bank.captured}: searches that use the bank contribute their query vector with probability {@code rate}
 * to a uniform sample of at most {@code maxSize} vectors, which the next build adds to the query bank. {@code minSize}
 * is how many captured vectors a build needs (for a bank with no seed: before its first version can exist).
 */
public record CapturedSpec(double rate, int maxSize, int minSize) implements Writeable {

    public static final int DEFAULT_MAX_SIZE = 10_000;
    /**
     * The reservoir is trimmed and read with one sorted search each, which OpenSearch bounds at its default
     * {@code index.max_result_window}: a larger sample would need paging on every batch for little gain.
     */
    public static final int MAX_SIZE_LIMIT = 10_000;
    /** A bank without a seed builds once it holds this many captured vectors, unless min_size says otherwise. */
    public static final int DEFAULT_MIN_SIZE_ALONE = 100;

    public CapturedSpec {
        if (!(rate > 0 && rate <= 1))
            throw new IllegalArgumentException(
                    "[query_bank.captured.rate] must be in (0, 1] (the share of searches that contribute their"
                            + " query vector), got [" + rate + "]");
        if (maxSize < 1 || maxSize > MAX_SIZE_LIMIT)
            throw new IllegalArgumentException("[query_bank.captured.max_size] must be between 1 and " + MAX_SIZE_LIMIT
                    + ", got [" + maxSize + "]");
        if (minSize < 0 || minSize > maxSize)
            throw new IllegalArgumentException("[query_bank.captured.min_size] must be between 0 and max_size ("
                    + maxSize + "), got [" + minSize + "]");
    }

    public CapturedSpec(StreamInput in) throws IOException {
        this(in.readDouble(), in.readVInt(), in.readVInt());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeDouble(rate);
        out.writeVInt(maxSize);
        out.writeVInt(minSize);
    }

    /** Parses {"rate", "max_size", "min_size"}; {@code alone}: the query bank has no seed, so it needs min_size >= 1. */
    @SuppressWarnings("unchecked")
    static CapturedSpec parse(String what, Object raw, boolean alone) {
        if (!(raw instanceof Map<?, ?> map))
            throw new IllegalArgumentException(
                    "[" + what + "] must be an object {\"rate\": ..., \"max_size\": ...," + " \"min_size\": ...}");
        Map<String, Object> m = (Map<String, Object>) map;
        Definitions.onlyKeys(what, m, "rate", "max_size", "min_size");
        if (m.get("rate") == null)
            throw new IllegalArgumentException("[" + what + ".rate] is required: the share of searches (0 < rate <= 1)"
                    + " whose query vector the bank keeps, e.g. 0.05");
        double rate = Definitions.doubleValue(what + ".rate", m.get("rate"), 0);
        int maxSize = Definitions.intValue(what + ".max_size", m.get("max_size"), DEFAULT_MAX_SIZE);
        int minDefault = alone ? Math.min(DEFAULT_MIN_SIZE_ALONE, Math.max(1, maxSize)) : 0;
        int minSize = Definitions.intValue(what + ".min_size", m.get("min_size"), minDefault);
        if (alone && minSize < 1)
            throw new IllegalArgumentException("[" + what + ".min_size] must be at least 1 for a query bank made only"
                    + " of captured vectors (an empty bank cannot normalise anything), got [" + minSize + "]");
        return new CapturedSpec(rate, maxSize, minSize);
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rate", rate);
        m.put("max_size", maxSize);
        m.put("min_size", minSize);
        return m;
    }
}
