package org.opensearch.hubness.node;

import java.io.IOException;
import java.util.List;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.hubness.capture.CaptureStats;

/** One node's hubness stats: the kernel, the banks it holds, its cache, its rescore, policy and capture counters. */
public record NodeStats(
        String kernel,
        List<Bank> banks,
        long bankMemoryBytes,
        Cache cache,
        Rescore rescore,
        Policy policy,
        CaptureStats capture)
        implements Writeable {

    /** The rebuild policies this node checked while it was the elected cluster manager. */
    public record Policy(long checks, long rebuildsStarted, long rebuildsNotStarted, long checkFailures)
            implements Writeable {
        Policy(StreamInput in) throws IOException {
            this(in.readVLong(), in.readVLong(), in.readVLong(), in.readVLong());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeVLong(checks);
            out.writeVLong(rebuildsStarted);
            out.writeVLong(rebuildsNotStarted);
            out.writeVLong(checkFailures);
        }
    }

    /** A bank held on this node: its serving version, the versions held, sizes, memory, and a refusal if any. */
    public record Bank(
            String name,
            long version,
            List<Long> versionsHeld,
            int queryBankSize,
            int galleryBankSize,
            long memoryBytes,
            long cacheBytes,
            Long refusedVersion,
            String refusal)
            implements Writeable {
        Bank(StreamInput in) throws IOException {
            this(
                    in.readString(),
                    in.readVLong(),
                    in.readList(StreamInput::readVLong),
                    in.readVInt(),
                    in.readVInt(),
                    in.readVLong(),
                    in.readVLong(),
                    in.readOptionalLong(),
                    in.readOptionalString());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeString(name);
            out.writeVLong(version);
            out.writeCollection(versionsHeld, StreamOutput::writeVLong);
            out.writeVInt(queryBankSize);
            out.writeVInt(galleryBankSize);
            out.writeVLong(memoryBytes);
            out.writeVLong(cacheBytes);
            out.writeOptionalLong(refusedVersion);
            out.writeOptionalString(refusal);
        }

        void toXContent(XContentBuilder b) throws IOException {
            b.startObject(name)
                    .field("version", version)
                    .field("versions_held", versionsHeld)
                    .field("query_bank_size", queryBankSize)
                    .field("gallery_bank_size", galleryBankSize)
                    .field("memory_bytes", memoryBytes)
                    .field("cache_bytes", cacheBytes);
            if (refusal != null)
                b.startObject("refused")
                        .field("version", refusedVersion)
                        .field("reason", refusal)
                        .endObject();
            b.endObject();
        }
    }

    public record Cache(int segments, long bytes, long maxBytes, long hits, long misses, long evictions, long refusals)
            implements Writeable {
        Cache(StreamInput in) throws IOException {
            this(
                    in.readVInt(),
                    in.readVLong(),
                    in.readVLong(),
                    in.readVLong(),
                    in.readVLong(),
                    in.readVLong(),
                    in.readVLong());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeVInt(segments);
            out.writeVLong(bytes);
            out.writeVLong(maxBytes);
            out.writeVLong(hits);
            out.writeVLong(misses);
            out.writeVLong(evictions);
            out.writeVLong(refusals);
        }
    }

    public record Rescore(
            long shardRescores,
            long documentsRescored,
            long failures,
            double totalMillis,
            double meanMillis,
            double maxMillis)
            implements Writeable {
        Rescore(StreamInput in) throws IOException {
            this(in.readVLong(), in.readVLong(), in.readVLong(), in.readDouble(), in.readDouble(), in.readDouble());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeVLong(shardRescores);
            out.writeVLong(documentsRescored);
            out.writeVLong(failures);
            out.writeDouble(totalMillis);
            out.writeDouble(meanMillis);
            out.writeDouble(maxMillis);
        }
    }

    public NodeStats(StreamInput in) throws IOException {
        this(
                in.readString(),
                in.readList(Bank::new),
                in.readVLong(),
                new Cache(in),
                new Rescore(in),
                new Policy(in),
                new CaptureStats(in));
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(kernel);
        out.writeList(banks);
        out.writeVLong(bankMemoryBytes);
        cache.writeTo(out);
        rescore.writeTo(out);
        policy.writeTo(out);
        capture.writeTo(out);
    }

    /** The fields of this node's object in GET /_plugins/_hubness/stats. */
    public void toXContent(XContentBuilder b) throws IOException {
        b.field("kernel", kernel);
        b.field("banks_loaded", banks.size());
        b.startObject("banks");
        for (Bank bank : banks) bank.toXContent(b);
        b.endObject();
        b.field("bank_memory_bytes", bankMemoryBytes);
        b.startObject("cache")
                .field("segments", cache.segments())
                .field("bytes", cache.bytes())
                .field("max_bytes", cache.maxBytes())
                .field("hits", cache.hits())
                .field("misses", cache.misses())
                .field("evictions", cache.evictions())
                .field("refusals", cache.refusals())
                .endObject();
        b.startObject("rescore")
                .field("shard_rescores", rescore.shardRescores())
                .field("documents_rescored", rescore.documentsRescored())
                .field("failures", rescore.failures())
                .field("total_millis", rescore.totalMillis())
                .field("mean_millis", rescore.meanMillis())
                .field("max_millis", rescore.maxMillis())
                .endObject();
        b.startObject("policy")
                .field("checks", policy.checks())
                .field("rebuilds_started", policy.rebuildsStarted())
                .field("rebuilds_not_started", policy.rebuildsNotStarted())
                .field("check_failures", policy.checkFailures())
                .endObject();
        capture.toXContent(b);
    }
}
