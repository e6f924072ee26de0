package org.opensearch.hubness.bank;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;

/**
 * A bank's {@code rebuild_policy}: every {@code interval} the elected cluster manager compares the gallery and the
 * captured queries with the serving version's build, and starts the ordinary rebuild when either threshold is reached.
 * At least one threshold is required: a policy that only names an interval would rebuild whether or not anything
 * changed, which a scheduled {@code _rebuild} does more honestly.
 *
 * @param minGalleryChange index and delete operations on the gallery since the build, as a fraction of the gallery's
 *     documents at the build (0.05: 5 %); null when the gallery does not trigger
 * @param minNewQueries query vectors captured since the build; null when captures do not trigger
 */
public record RebuildPolicy(TimeValue interval, Long minNewQueries, Double minGalleryChange) implements Writeable {

    public static final TimeValue MIN_INTERVAL = TimeValue.timeValueSeconds(1);
    /** Longer would be a policy that never fires in a cluster's life; a year keeps the arithmetic of [interval] safe. */
    public static final TimeValue MAX_INTERVAL = TimeValue.timeValueDays(365);

    public RebuildPolicy {
        if (interval == null) {
            throw new IllegalArgumentException(
                    "[rebuild_policy.interval] is required: how often to check, e.g. \"1h\" (at least 1s)");
        }
        if (interval.millis() < MIN_INTERVAL.millis() || interval.millis() > MAX_INTERVAL.millis()) {
            throw new IllegalArgumentException(
                    "[rebuild_policy.interval] must be between 1s and 365d, got [" + interval.getStringRep() + "]");
        }
        if (minNewQueries == null && minGalleryChange == null) {
            throw new IllegalArgumentException(
                    "[rebuild_policy] needs at least one of [min_gallery_change] (a fraction"
                            + " of the gallery's documents changed since the build, e.g. 0.05) and [min_new_queries] (query"
                            + " vectors captured since the build); to rebuild on a clock alone, call _rebuild from a scheduler");
        }
        if (minNewQueries != null && minNewQueries < 1) {
            throw new IllegalArgumentException(
                    "[rebuild_policy.min_new_queries] must be at least 1, got [" + minNewQueries + "]");
        }
        if (minGalleryChange != null && !(minGalleryChange > 0 && minGalleryChange <= 1000)) {
            throw new IllegalArgumentException("[rebuild_policy.min_gallery_change] must be a fraction above 0 (0.05:"
                    + " 5 % of the gallery's documents) and at most 1000, got [" + minGalleryChange + "]");
        }
    }

    public RebuildPolicy(StreamInput in) throws IOException {
        this(in.readTimeValue(), in.readOptionalLong(), in.readOptionalDouble());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeTimeValue(interval);
        out.writeOptionalLong(minNewQueries);
        out.writeOptionalDouble(minGalleryChange);
    }

    /** Parses the object under {@code rebuild_policy}; every fault is a 400 naming the key. */
    @SuppressWarnings("unchecked")
    static RebuildPolicy parse(Object raw) {
        if (!(raw instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("[rebuild_policy] must be an object: {\"interval\": \"1h\","
                    + " \"min_gallery_change\": 0.05} and/or \"min_new_queries\": 1000");
        }
        Map<String, Object> body = (Map<String, Object>) m;
        Definitions.onlyKeys("rebuild_policy", body, "interval", "min_new_queries", "min_gallery_change");
        TimeValue interval = null;
        if (body.get("interval") != null) {
            String text = Definitions.string("rebuild_policy.interval", body.get("interval"));
            try {
                interval = TimeValue.parseTimeValue(text, "rebuild_policy.interval");
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("[rebuild_policy.interval] must be a time such as \"30s\", \"10m\""
                        + " or \"1h\", got [" + text + "]");
            }
        }
        Long minNewQueries = body.get("min_new_queries") == null
                ? null
                : Definitions.longValue("rebuild_policy.min_new_queries", body.get("min_new_queries"), 0);
        Double minGalleryChange = body.get("min_gallery_change") == null
                ? null
                : Definitions.doubleValue("rebuild_policy.min_gallery_change", body.get("min_gallery_change"), 0);
        return new RebuildPolicy(interval, minNewQueries, minGalleryChange);
    }

    /** The stored (and GET) form: the interval as it was written. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("interval", interval.getStringRep());
        if (minNewQueries != null) m.put("min_new_queries", minNewQueries);
        if (minGalleryChange != null) m.put("min_gallery_change", minGalleryChange);
        return m;
    }
}
