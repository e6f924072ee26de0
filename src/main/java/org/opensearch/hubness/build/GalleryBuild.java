/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.build;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.ExceptionsHelper;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.cluster.metadata.IndexMetadata;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.core.action.support.DefaultShardOperationFailedException;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.hubness.bank.BankDefinition;
import org.opensearch.hubness.bank.BankHubs;
import org.opensearch.hubness.bank.LoadedBank;
import org.opensearch.hubness.bank.VectorSource;
import org.opensearch.hubness.bank.state.BuildReport;
import org.opensearch.hubness.bank.state.BuildTicket;
import org.opensearch.hubness.bank.storage.BankBlobs;
import org.opensearch.hubness.field.VectorFieldSpec;
import org.opensearch.hubness.norm.HubCounts;
import org.opensearch.hubness.norm.PassPartial;
import org.opensearch.hubness.norm.PassResult;
import org.opensearch.hubness.norm.Similarity;
import org.opensearch.hubness.security.SourceVisibility;
import org.opensearch.hubness.security.SystemIndexAccess;
import org.opensearch.hubness.settings.HubnessSettings;
import org.opensearch.hubness.transport.ReadBankVectors;
import org.opensearch.hubness.transport.ShardBuildPass;
import org.opensearch.hubness.transport.ShardFanOut;
import org.opensearch.index.IndexNotFoundException;
import org.opensearch.transport.client.Client;

/**
 * The computation of one bank version, coordinated from the node that runs the build: reads the banks from Lucene on
 * their indices' shards ({@link ReadBankVectors}), fans the gallery pass out to every started copy of the gallery's
 * shards ({@link ShardBuildPass}; each fills its node's terms cache on the way), keeps one partial per shard (the
 * primary's when it answered), merges them and names the activation sets. A shard that no copy answered is asked again
 * on the copies then started, a few times, while the build is current. Blocking: runs on a generic thread.
 */
final class GalleryBuild {

    private static final Logger LOG = LogManager.getLogger(GalleryBuild.class);
    static final int ATTEMPTS = 3;
    private static final long RETRY_DELAY_MILLIS = 2_000;

    /** The built version in memory and its build report (shown by GET as [build]). */
    record Result(LoadedBank bank, BuildReport report) {}

    private final Client client;
    private final ClusterService clusterService;
    private final HubnessSettings settings;
    private final SystemIndexAccess asPlugin;
    private final BankBlobs blobs;
    /** Throws when the build was overtaken (deleted, re-created, failed): checked before every retry. */
    private final Runnable requireCurrent;

    private final SourceVisibility sources;
    /** Documents with the vector field in each index bank source when the build read it (GET's drift counts). */
    private final Map<String, Long> sourceDocuments = new LinkedHashMap<>();

    GalleryBuild(
            Client client,
            ClusterService clusterService,
            HubnessSettings settings,
            SystemIndexAccess asPlugin,
            BankBlobs blobs,
            Runnable requireCurrent) {
        this.client = client;
        this.blobs = blobs;
        this.clusterService = clusterService;
        this.settings = settings;
        this.asPlugin = asPlugin;
        this.requireCurrent = requireCurrent;
        this.sources = new SourceVisibility(client, asPlugin);
    }

    Result run(BankDefinition def, BuildTicket ticket) {
        long started = System.currentTimeMillis();
        // checked again as the caller when the reads start (BuildRunner checked before recording the build)
        VectorFieldSpec gallery = sources.requireWhole("gallery", def.galleryIndex(), def.galleryField());
        Similarity similarity = gallery.resolve(def.similarity());
        int d = gallery.dimension();
        float[] queryBank = def.queryBank() == null ? new float[0] : load("query_bank", def.queryBank(), gallery);
        float[] galleryBank =
                def.galleryBank() == null ? new float[0] : load("gallery_bank", def.galleryBank(), gallery);
        int mq = queryBank.length / d, mg = galleryBank.length / d;
        similarity.prepareRows(queryBank, mq, d);
        similarity.prepareRows(galleryBank, mg, d);
        // the pass's nodes read the banks from storage in bounded pieces, not from one message holding both
        String vectorsDigest = blobs.writeBuildVectors(def.name(), ticket.buildId(), queryBank, mq, galleryBank, mg, d);

        PassSpec spec = new PassSpec(
                def.name(),
                ticket.version(),
                ticket.buildId(),
                gallery.index(),
                gallery.field(),
                d,
                similarity,
                def.params(),
                Math.min(settings.reportQueries(), mq),
                settings.rowsPerStep(),
                mq,
                mg,
                vectorsDigest);
        long passStarted = System.nanoTime();
        Map<Integer, ShardBuildPass.ShardResult> chosen = onEveryShard(
                gallery.index(),
                "gallery pass",
                shards -> asPlugin.call(
                        () -> client.execute(ShardBuildPass.ACTION, new ShardBuildPass.Request(spec, shards))
                                .actionGet()),
                GalleryBuild::oneCopyPerShard);
        long passNanos = System.nanoTime() - passStarted;
        PassPartial total = spec.pass(queryBank, galleryBank).emptyPartial();
        Map<Long, String> ids = new HashMap<>();
        for (ShardBuildPass.ShardResult r : chosen.values()) {
            try {
                total.merge(r.readPartial(def.params()));
            } catch (IOException e) {
                throw new UncheckedIOException("the partial of " + r.shardId() + " is unreadable", e);
            }
            ids.putAll(r.ids());
        }
        if (total.documents() == 0) {
            throw new IllegalArgumentException("gallery index [" + gallery.index()
                    + "] has no document with a vector in [" + gallery.field() + "]; index the gallery first");
        }
        PassResult pass = total.finish();
        Set<String> aq = names(pass.queryActivation(), ids), ag = names(pass.galleryActivation(), ids);
        BankHubs queryHubs = hubs(pass.queryHubs(), ids), galleryHubs = hubs(pass.galleryHubs(), ids);
        LoadedBank bank = new LoadedBank(
                def.name(),
                ticket.version(),
                ticket.buildId(),
                gallery.index(),
                gallery.field(),
                d,
                similarity,
                def.params(),
                mq == 0 ? null : queryBank,
                mq,
                mg == 0 ? null : galleryBank,
                mg,
                aq,
                ag,
                queryHubs,
                galleryHubs);

        long now = System.currentTimeMillis();
        BuildReport report = new BuildReport(
                ticket.version(),
                d,
                similarity,
                gallery.engine(),
                pass.documents(),
                mq,
                mg,
                aq.size(),
                ag.size(),
                chosen.size(),
                now - started,
                // the gallery × bank product of the pass (each document once), per second of the fan-out
                round(2.0 * pass.documents() * (mq + mg) * d / Math.max(1, passNanos), 100),
                now,
                sourceDocuments.get("query_bank"),
                sourceDocuments.get("gallery_bank"),
                pass.report() == null ? null : BuildReport.Hubness.of(pass.report()));
        return new Result(bank, report);
    }

    private float[] load(String what, VectorSource source, VectorFieldSpec gallery) {
        int d = gallery.dimension();
        if (source.kind() == VectorSource.Kind.VECTORS) {
            float[][] rows = source.vectors();
            float[] flat = new float[rows.length * d];
            for (int i = 0; i < rows.length; i++) {
                if (rows[i].length != d) {
                    throw new IllegalArgumentException("[" + what + ".vectors[" + i + "]] has " + rows[i].length
                            + " dimensions, but gallery field [" + gallery.field() + "] has " + d);
                }
                System.arraycopy(rows[i], 0, flat, i * d, d);
            }
            return flat;
        }
        String index, field;
        int limit;
        long seed;
        if (source.kind() == VectorSource.Kind.SAMPLE) {
            index = gallery.index();
            field = gallery.field();
            limit = source.sampleSize();
            seed = source.seed();
        } else {
            VectorFieldSpec bankField;
            try {
                bankField = sources.requireWhole(what, source.index(), source.field());
            } catch (IndexNotFoundException e) {
                throw new IllegalArgumentException("[" + what + "] index [" + source.index() + "] does not exist", e);
            }
            if (bankField.dimension() != d) {
                throw new IllegalArgumentException("[" + what + "] field [" + source.field() + "] of [" + source.index()
                        + "] has dimension " + bankField.dimension() + ", but gallery field [" + gallery.field()
                        + "] has " + d + "; bank and gallery must share one space");
            }
            index = bankField.index();
            field = bankField.field();
            sourceDocuments.put(what, sources.documentsWithField(index, field));
            limit = source.maxSize();
            seed = DocKeys.GALLERY_SEED;
        }
        Map<Integer, ReadBankVectors.ShardResult> shards = onEveryShard(
                index,
                what,
                wanted -> asPlugin.call(() -> client.execute(
                                ReadBankVectors.ACTION,
                                new ReadBankVectors.Request(index, field, d, limit, seed, wanted))
                        .actionGet()),
                results -> {
                    Map<Integer, ReadBankVectors.ShardResult> byShard = new HashMap<>();
                    for (ReadBankVectors.ShardResult r : results)
                        byShard.put(r.shardId().id(), r);
                    return byShard;
                });
        List<List<ShardSample.Row>> lists = new ArrayList<>();
        for (ReadBankVectors.ShardResult r : shards.values()) lists.add(r.rows());
        List<ShardSample.Row> rows = ShardSample.merge(lists, limit);
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("[" + what + "] is empty: no document of [" + index
                    + "] has a vector; an empty bank cannot normalise anything");
        }
        float[] flat = new float[rows.size() * d];
        for (int i = 0; i < rows.size(); i++) System.arraycopy(rows.get(i).vector(), 0, flat, i * d, d);
        return flat;
    }

    /** Per shard, the primary's result when it answered, else the first copy's: exactly one partial per shard. */
    private static Map<Integer, ShardBuildPass.ShardResult> oneCopyPerShard(List<ShardBuildPass.ShardResult> results) {
        Map<Integer, ShardBuildPass.ShardResult> byShard = new HashMap<>();
        for (ShardBuildPass.ShardResult r : results) {
            ShardBuildPass.ShardResult kept = byShard.get(r.shardId().id());
            if (kept == null || (r.primary() && !kept.primary()))
                byShard.put(r.shardId().id(), r);
        }
        return byShard;
    }

    /**
     * Runs a fan-out until every shard of the index has a result: the shards no copy answered are asked again (on the
     * copies started by then) up to {@link #ATTEMPTS} times while the build is current. A failure that is the data's
     * fault (a bad vector, a wrong dimension) ends the build at once with that message.
     */
    private <T extends Writeable, S> Map<Integer, S> onEveryShard(
            String index,
            String what,
            Function<Set<Integer>, ShardFanOut.Response<T>> call,
            Function<List<T>, Map<Integer, S>> results) {
        Map<Integer, S> done = new HashMap<>();
        for (int attempt = 1; ; attempt++) {
            IndexMetadata meta = clusterService.state().metadata().index(index);
            if (meta == null) throw new IllegalArgumentException("index [" + index + "] does not exist");
            Set<Integer> missing = new TreeSet<>();
            for (int s = 0; s < meta.getNumberOfShards(); s++) if (!done.containsKey(s)) missing.add(s);
            ShardFanOut.Response<T> response = call.apply(missing);
            for (Map.Entry<Integer, S> e : results.apply(response.results()).entrySet())
                done.putIfAbsent(e.getKey(), e.getValue());
            List<String> reasons = new ArrayList<>();
            for (DefaultShardOperationFailedException f : response.getShardFailures()) {
                Throwable cause = ExceptionsHelper.unwrapCause(f.getCause());
                if (cause instanceof IllegalArgumentException invalid && !done.containsKey(f.shardId())) {
                    throw new IllegalArgumentException(
                            "[" + what + "] on [" + index + "][" + f.shardId() + "]: " + invalid.getMessage(), invalid);
                }
                reasons.add("[" + f.shardId() + "] " + f.reason());
            }
            missing.removeAll(done.keySet());
            if (missing.isEmpty()) return done;
            String why = "shards " + missing + " of [" + index + "] gave no " + what + " result ("
                    + (reasons.isEmpty() ? "no started copy" : String.join("; ", reasons)) + ")";
            if (attempt == ATTEMPTS) {
                throw new OpenSearchStatusException(
                        why + " after " + ATTEMPTS + " attempts; rebuild once the index's shards are started",
                        RestStatus.SERVICE_UNAVAILABLE);
            }
            LOG.info("{}; asking their copies again", why);
            try {
                Thread.sleep(RETRY_DELAY_MILLIS * attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the shards of [" + index + "]", e);
            }
            requireCurrent.run();
        }
    }

    /** A bank's hubs with their {@code _id}s: the top {@link BankHubs#MAX_STORED} by N_k; null without that bank. */
    private static BankHubs hubs(HubCounts counts, Map<Long, String> ids) {
        if (counts == null) return null;
        List<BankHubs.Hub> all = new ArrayList<>(counts.counts().size());
        for (Map.Entry<Long, Integer> e : counts.counts().entrySet()) {
            String id = ids.get(e.getKey());
            if (id == null)
                throw new IllegalStateException("no shard named the document with key " + e.getKey() + " of a hub");
            all.add(new BankHubs.Hub(id, e.getValue()));
        }
        return BankHubs.top(counts.k(), counts.documents(), counts.skewness(), all);
    }

    private static Set<String> names(Set<Long> keys, Map<Long, String> ids) {
        Set<String> out = new HashSet<>();
        for (Long k : keys) {
            String id = ids.get(k);
            if (id == null)
                throw new IllegalStateException("no shard named the document with key " + k + " of an activation set");
            out.add(id);
        }
        return Set.copyOf(out);
    }

    /** The report as GET shows it under [build.hubness]. */
    private static double round(double x, double scale) {
        return Math.round(x * scale) / scale;
    }
}
