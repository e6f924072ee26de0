package org.opensearch.hubness.bank.state;

import static org.opensearch.core.xcontent.ConstructingObjectParser.constructorArg;
import static org.opensearch.core.xcontent.ConstructingObjectParser.optionalConstructorArg;

import java.io.IOException;
import java.util.Locale;
import org.opensearch.core.ParseField;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.ConstructingObjectParser;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;

/**
 * The last check of a bank's rebuild policy (GET shows it as {@code rebuild_policy_status}): when the cluster manager
 * looked, against which serving version, the numbers it compared with the thresholds, and what it did. Kept in the
 * cluster state so that a new cluster manager (or a restarted cluster) resumes the schedule where it was.
 *
 * @param galleryOperations the gallery's index and delete operations since the serving version's build; null when
 *     they could not be counted (a primary not started, the index gone)
 * @param galleryDocuments the gallery's documents at the build, the denominator of {@code galleryChange}
 * @param galleryChange {@code galleryOperations / galleryDocuments}; null when not counted
 * @param newQueries query vectors captured since the build; null when the policy does not count them
 * @param startedVersion the version of the rebuild this check started, else null
 * @param reason why a rebuild was due but not started (a build ran, the start was refused), else null
 */
public record PolicyCheck(
        long checkedAt,
        long servingVersion,
        Long galleryOperations,
        long galleryDocuments,
        Double galleryChange,
        Long newQueries,
        Outcome outcome,
        Long startedVersion,
        String reason)
        implements Writeable, ToXContentObject {

    /** What the check did. */
    public enum Outcome {
        /** Below every threshold (or nothing could be counted): nothing to do. */
        UNCHANGED,
        /** A threshold was reached and the rebuild was recorded ({@code startedVersion}). */
        REBUILD_STARTED,
        /** A threshold was reached but no rebuild started ({@code reason}); the next check tries again. */
        REBUILD_NOT_STARTED;

        public String externalName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Outcome fromString(String s) {
            for (Outcome o : values()) if (o.externalName().equals(s)) return o;
            throw new IllegalArgumentException("unknown policy check outcome [" + s + "]");
        }
    }

    private static final ParseField LAST_CHECKED = new ParseField("last_checked");
    private static final ParseField SERVING_VERSION = new ParseField("serving_version");
    private static final ParseField GALLERY_OPERATIONS = new ParseField("gallery_operations_since_build");
    private static final ParseField GALLERY_DOCUMENTS = new ParseField("gallery_documents_at_build");
    private static final ParseField GALLERY_CHANGE = new ParseField("gallery_change");
    private static final ParseField NEW_QUERIES = new ParseField("new_queries");
    private static final ParseField OUTCOME = new ParseField("outcome");
    private static final ParseField STARTED_VERSION = new ParseField("started_version");
    private static final ParseField REASON = new ParseField("reason");

    private static final ConstructingObjectParser<PolicyCheck, Void> PARSER = new ConstructingObjectParser<>(
            "policy_check",
            a -> new PolicyCheck(
                    (long) a[0],
                    (long) a[1],
                    (Long) a[2],
                    (long) a[3],
                    (Double) a[4],
                    (Long) a[5],
                    Outcome.fromString((String) a[6]),
                    (Long) a[7],
                    (String) a[8]));

    static {
        PARSER.declareLong(constructorArg(), LAST_CHECKED);
        PARSER.declareLong(constructorArg(), SERVING_VERSION);
        PARSER.declareLong(optionalConstructorArg(), GALLERY_OPERATIONS);
        PARSER.declareLong(constructorArg(), GALLERY_DOCUMENTS);
        PARSER.declareDouble(optionalConstructorArg(), GALLERY_CHANGE);
        PARSER.declareLong(optionalConstructorArg(), NEW_QUERIES);
        PARSER.declareString(constructorArg(), OUTCOME);
        PARSER.declareLong(optionalConstructorArg(), STARTED_VERSION);
        PARSER.declareString(optionalConstructorArg(), REASON);
    }

    public PolicyCheck(StreamInput in) throws IOException {
        this(
                in.readLong(),
                in.readVLong(),
                in.readOptionalLong(),
                in.readVLong(),
                in.readOptionalDouble(),
                in.readOptionalLong(),
                in.readEnum(Outcome.class),
                in.readOptionalLong(),
                in.readOptionalString());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeLong(checkedAt);
        out.writeVLong(servingVersion);
        out.writeOptionalLong(galleryOperations);
        out.writeVLong(galleryDocuments);
        out.writeOptionalDouble(galleryChange);
        out.writeOptionalLong(newQueries);
        out.writeEnum(outcome);
        out.writeOptionalLong(startedVersion);
        out.writeOptionalString(reason);
    }

    /** The same numbers, with what the rebuild they led to did. */
    public PolicyCheck withOutcome(Outcome o, Long version, String why) {
        return new PolicyCheck(
                checkedAt,
                servingVersion,
                galleryOperations,
                galleryDocuments,
                galleryChange,
                newQueries,
                o,
                version,
                why);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder b, Params params) throws IOException {
        b.startObject()
                .field(LAST_CHECKED.getPreferredName(), checkedAt)
                .field(SERVING_VERSION.getPreferredName(), servingVersion);
        // absent, not null, when not counted: the stored form reads back through the same fields
        if (galleryOperations != null) b.field(GALLERY_OPERATIONS.getPreferredName(), galleryOperations);
        b.field(GALLERY_DOCUMENTS.getPreferredName(), galleryDocuments);
        if (galleryChange != null) b.field(GALLERY_CHANGE.getPreferredName(), galleryChange);
        if (newQueries != null) b.field(NEW_QUERIES.getPreferredName(), newQueries);
        b.field(OUTCOME.getPreferredName(), outcome.externalName());
        if (startedVersion != null) b.field(STARTED_VERSION.getPreferredName(), startedVersion);
        if (reason != null) b.field(REASON.getPreferredName(), reason);
        return b.endObject();
    }

    public static PolicyCheck fromXContent(XContentParser parser) {
        return PARSER.apply(parser, null);
    }
}
