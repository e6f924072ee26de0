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
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.ExceptionsHelper;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.action.support.ThreadedActionListener;
import org.opensearch.cluster.metadata.IndexMetadata;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.CheckedConsumer;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.action.support.DefaultShardOperationFailedException;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.tasks.TaskId;
import org.opensearch.hubness.bank.BankDefinition;
import org.opensearch.hubness.bank.BankHubs;
import org.opensearch.hubness.bank.CapturedSpec;
import org.opensearch.hubness.bank.LoadedBank;
import org.opensearch.hubness.bank.VectorSource;
import org.opensearch.hubness.bank.state.BuildReport;
import org.opensearch.hubness.bank.state.BuildTicket;
import org.opensearch.hubness.bank.storage.BankBlobs;
import org.opensearch.hubness.bank.storage.CapturedVectors;
import org.opensearch.hubness.field.VectorFieldSpec;
import org.opensearch.hubness.norm.HubCounts;
import org.opensearch.hubness.norm.PassPartial;
import org.opensearch.hubness.norm.PassResult;
import org.opensearch.hubness.norm.Similarity;
import org.opensearch.hubness.security.SourceVisibility;
import org.opensearch.hubness.settings.HubnessSettings;
import org.opensearch.threadpool.ThreadPool;

/**
 * The computation of one bank version, coordinated from the node that runs the build: reads the banks from Lucene on
 * their indices' shards ({@link BuildCalls#readVectors}), fans the gallery pass out to every started copy of the
 * gallery's shards ({@link BuildCalls#pass}; each fills its node's terms cache on the way), keeps one partial per shard (the
 * primary's when it answered), merges them and names the activation sets. A shard that no copy answered is asked again
 * on the copies then started, a few times (a scheduled retry), while the build is current and not cancelled. Nothing
 * waits: each step runs on the build pool when the one before answered; the fan-outs are children of the build's task.
 */
final class GalleryBuild {

    private static final Logger LOG = LogManager.getLogger(GalleryBuild.class);
    static final int ATTEMPTS = 3;
    private static final long RETRY_DELAY_MILLIS = 2_000;

    /** The built version in memory and its build report (shown by GET as [build]). */
    record Result(LoadedBank bank, BuildReport report) {}

    private final BuildCalls calls;
    private final ClusterService clusterService;
    private final HubnessSettings settings;
    private final BankBlobs blobs;
    private final ThreadPool threadPool;
    /** The build's task: the parent of the fan-outs, so cancelling the build cancels them. */
    private final TaskId buildTask;
    /**
     * Throws when the build was overtaken (deleted, re-created, failed) or cancelled: checked between steps, when a
     * fan-out answered and before every retry.
     */
    private final Runnable checkpoint;

    /** The sources as the caller sees them whole, checked and counted once by {@link BuildRunner}. */
    private final BuildSources sources;

    private final CapturedVectors captured;
    private final GalleryOperations operations;
    /** How many captured vectors the query bank holds (null: the definition does not capture). */
    private Integer capturedUsed;
    /** Documents with the vector field in each index bank source when the build read it (GET's drift counts). */
    private final Map<String, Long> sourceDocuments = new LinkedHashMap<>();
    /**
     * The gallery's operations before the build read it (a rebuild policy's baseline; an operation racing the read
     * counts as a change since, at worst one rebuild early). Null when a primary did not answer.
     */
    private volatile Long galleryOperations;

    GalleryBuild(
            BuildCalls calls,
            BuildSources sources,
            ClusterService clusterService,
            ThreadPool threadPool,
            HubnessSettings settings,
            BankBlobs blobs,
            CapturedVectors captured,
            GalleryOperations operations,
            TaskId buildTask,
            Runnable checkpoint) {
        this.calls = calls;
        this.sources = sources;
        this.blobs = blobs;
        this.clusterService = clusterService;
        this.threadPool = threadPool;
        this.settings = settings;
        this.buildTask = buildTask;
        this.checkpoint = checkpoint;
        this.captured = captured;
        this.operations = operations;
    }

    /** Computes the version; runs on the build pool, answers there (or with the first failure). */
    void run(BankDefinition def, BuildTicket ticket, ActionListener<Result> listener) {
        long started = System.currentTimeMillis();
        VectorFieldSpec gallery = sources.galleryField();
        Similarity similarity = gallery.resolve(def.similarity());
        galleryOperations = operationsOf(gallery.index());
        loadQueryBank(
                def,
                gallery,
                onPool(
                        listener,
                        queryBank -> load(
                                "gallery_bank",
                                def.galleryBank(),
                                gallery,
                                onPool(
                                        listener,
                                        galleryBank -> pass(
                                                def,
                                                ticket,
                                                gallery,
                                                similarity,
                                                queryBank,
                                                galleryBank,
                                                started,
                                                listener)))));
    }

    private Long operationsOf(String index) {
        try {
            return operations.countNow(index);
        } catch (RuntimeException e) {
            // the pass fails the build if the index is unreadable; a policy without a baseline only waits
            LOG.debug(() -> "could not read the operations of gallery [" + index + "]", e);
            return null;
        }
    }

    /** The gallery pass over every shard, then the merge: the version and its report. */
    private void pass(
            BankDefinition def,
            BuildTicket ticket,
            VectorFieldSpec gallery,
            Similarity similarity,
            float[] queryBank,
            float[] galleryBank,
            long started,
            ActionListener<Result> listener) {
        checkpoint.run();
        int d = gallery.dimension();
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
        this.<ShardPassResult, ShardPassResult>onEveryShard(
                gallery.index(),
                "gallery pass",
                (shards, answered) -> calls.pass(spec, shards, buildTask, answered),
                GalleryBuild::oneCopyPerShard,
                onPool(
                        listener,
                        chosen -> listener.onResponse(merge(
                                def,
                                ticket,
                                gallery,
                                similarity,
                                spec,
                                queryBank,
                                galleryBank,
                                chosen,
                                started,
                                System.nanoTime() - passStarted))));
    }

    private Result merge(
            BankDefinition def,
            BuildTicket ticket,
            VectorFieldSpec gallery,
            Similarity similarity,
            PassSpec spec,
            float[] queryBank,
            float[] galleryBank,
            Map<Integer, ShardPassResult> chosen,
            long started,
            long passNanos) {
        checkpoint.run();
        int d = gallery.dimension();
        int mq = spec.queryBankSize(), mg = spec.galleryBankSize();
        PassPartial total = spec.pass(queryBank, galleryBank).emptyPartial();
        Map<Long, String> ids = new HashMap<>();
        for (ShardPassResult r : chosen.values()) {
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
                pass.report() == null ? null : BuildReport.Hubness.of(pass.report()),
                ticket.trigger(),
                galleryOperations,
                capturedUsed);
        return new Result(bank, report);
    }

    /**
     * The query bank's rows: its seed (posted, read from an index, none for a captured-only bank), then, when it
     * captures, the stored captured vectors with the smallest keys (at most max_size; see {@link CapturedVectors}).
     */
    private void loadQueryBank(BankDefinition def, VectorFieldSpec gallery, ActionListener<float[]> listener) {
        VectorSource source = def.queryBank();
        if (source == null || source.captured() == null) {
            load("query_bank", source, gallery, listener);
            return;
        }
        CapturedSpec spec = source.captured();
        // the read blocks: on the build pool, whichever thread answered the seed's load
        ActionListener<float[]> withCaptured = onPool(listener, (float[] seed) -> {
            int d = gallery.dimension();
            float[] rows = captured.read(def.name(), spec.maxSize(), d);
            int n = rows.length / d;
            if (n < spec.minSize()) throw CapturedBankWaiting.refusal(def.name(), n, spec);
            capturedUsed = n;
            float[] all = new float[seed.length + rows.length];
            System.arraycopy(seed, 0, all, 0, seed.length);
            System.arraycopy(rows, 0, all, seed.length, rows.length);
            listener.onResponse(all);
        });
        if (source.kind() == VectorSource.Kind.CAPTURED) withCaptured.onResponse(new float[0]);
        else load("query_bank", source, gallery, withCaptured);
    }

    /** The bank's rows, flat: posted, or read from its index's shards; an absent bank is empty. */
    private void load(String what, VectorSource source, VectorFieldSpec gallery, ActionListener<float[]> listener) {
        if (source == null) {
            listener.onResponse(new float[0]);
            return;
        }
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
            listener.onResponse(flat);
            return;
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
            SourceVisibility.Whole whole = sources.bank(what);
            VectorFieldSpec bankField = whole.spec();
            if (bankField.dimension() != d) {
                throw new IllegalArgumentException("[" + what + "] field [" + source.field() + "] of [" + source.index()
                        + "] has dimension " + bankField.dimension() + ", but gallery field [" + gallery.field()
                        + "] has " + d + "; bank and gallery must share one space");
            }
            index = bankField.index();
            field = bankField.field();
            sourceDocuments.put(what, whole.documents());
            limit = source.maxSize();
            seed = DocKeys.GALLERY_SEED;
        }
        this.<ShardRows, ShardRows>onEveryShard(
                index,
                what,
                (wanted, answered) -> calls.readVectors(index, field, d, limit, seed, wanted, buildTask, answered),
                results -> {
                    Map<Integer, ShardRows> byShard = new HashMap<>();
                    for (ShardRows r : results) byShard.put(r.shardId().id(), r);
                    return byShard;
                },
                onPool(listener, shards -> listener.onResponse(flatten(what, index, d, limit, shards))));
    }

    private static float[] flatten(String what, String index, int d, int limit, Map<Integer, ShardRows> shards) {
        List<List<ShardSample.Row>> lists = new ArrayList<>();
        for (ShardRows r : shards.values()) lists.add(r.rows());
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
    private static Map<Integer, ShardPassResult> oneCopyPerShard(List<ShardPassResult> results) {
        Map<Integer, ShardPassResult> byShard = new HashMap<>();
        for (ShardPassResult r : results) {
            ShardPassResult kept = byShard.get(r.shardId().id());
            if (kept == null || (r.primary() && !kept.primary()))
                byShard.put(r.shardId().id(), r);
        }
        return byShard;
    }

    /**
     * Runs a fan-out until every shard of the index has a result: the shards no copy answered are asked again (on the
     * copies started by then) up to {@link #ATTEMPTS} times, after a scheduled delay, while the build is current and
     * not cancelled. A failure that is the data's fault (a bad vector, a wrong dimension) ends the build at once with
     * that message. Package-private for GalleryBuildRetryTests, which drives it with shards that never answer.
     */
    <T, S> void onEveryShard(
            String index,
            String what,
            BiConsumer<Set<Integer>, ActionListener<BuildCalls.ShardAnswers<T>>> call,
            Function<List<T>, Map<Integer, S>> results,
            ActionListener<Map<Integer, S>> listener) {
        new EveryShard<>(index, what, call, results, listener).attempt(1);
    }

    /** The state of one {@link #onEveryShard}: the shards answered so far. */
    private final class EveryShard<T, S> {
        private final String index;
        private final String what;
        private final BiConsumer<Set<Integer>, ActionListener<BuildCalls.ShardAnswers<T>>> call;
        private final Function<List<T>, Map<Integer, S>> results;
        private final ActionListener<Map<Integer, S>> listener;
        private final Map<Integer, S> done = new HashMap<>();

        EveryShard(
                String index,
                String what,
                BiConsumer<Set<Integer>, ActionListener<BuildCalls.ShardAnswers<T>>> call,
                Function<List<T>, Map<Integer, S>> results,
                ActionListener<Map<Integer, S>> listener) {
            this.index = index;
            this.what = what;
            this.call = call;
            this.results = results;
            this.listener = listener;
        }

        void attempt(int attempt) {
            Set<Integer> missing;
            try {
                checkpoint.run();
                IndexMetadata meta = clusterService.state().metadata().index(index);
                if (meta == null) throw new IllegalArgumentException("index [" + index + "] does not exist");
                missing = new TreeSet<>();
                for (int s = 0; s < meta.getNumberOfShards(); s++) if (!done.containsKey(s)) missing.add(s);
            } catch (Exception e) {
                listener.onFailure(e);
                return;
            }
            call.accept(
                    missing,
                    ActionListener.wrap(response -> answered(attempt, missing, response), listener::onFailure));
        }

        private void answered(int attempt, Set<Integer> missing, BuildCalls.ShardAnswers<T> response) {
            checkpoint.run(); // a cancelled build's passes answer their cancellation: it is not a shard's fault
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
            if (missing.isEmpty()) {
                listener.onResponse(done);
                return;
            }
            String why = "shards " + missing + " of [" + index + "] gave no " + what + " result ("
                    + (reasons.isEmpty() ? "no started copy" : String.join("; ", reasons)) + ")";
            if (attempt == ATTEMPTS) {
                throw new OpenSearchStatusException(
                        why + " after " + ATTEMPTS + " attempts; rebuild once the index's shards are started",
                        RestStatus.SERVICE_UNAVAILABLE);
            }
            LOG.info("{}; asking their copies again", why);
            threadPool.schedule(
                    () -> attempt(attempt + 1),
                    TimeValue.timeValueMillis(RETRY_DELAY_MILLIS * attempt),
                    BuildPool.NAME);
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

    /** A listener that runs {@code next} on the build pool, and fails {@code failTo} with whatever it throws. */
    private <T> ActionListener<T> onPool(ActionListener<?> failTo, CheckedConsumer<T, Exception> next) {
        return new ThreadedActionListener<>(
                LOG, threadPool, BuildPool.NAME, ActionListener.wrap(next, failTo::onFailure), false);
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
