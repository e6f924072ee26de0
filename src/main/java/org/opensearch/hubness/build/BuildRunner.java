package org.opensearch.hubness.build;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.ExceptionsHelper;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.action.support.ThreadedActionListener;
import org.opensearch.cluster.ClusterChangedEvent;
import org.opensearch.cluster.ClusterStateListener;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.CheckedConsumer;
import org.opensearch.common.UUIDs;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.common.breaker.CircuitBreaker;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.tasks.TaskCancelledException;
import org.opensearch.core.tasks.TaskId;
import org.opensearch.hubness.bank.BankDefinition;
import org.opensearch.hubness.bank.CapturedSpec;
import org.opensearch.hubness.bank.LoadedBank;
import org.opensearch.hubness.bank.state.BankFailure;
import org.opensearch.hubness.bank.state.BankRecord;
import org.opensearch.hubness.bank.state.BankTransitions;
import org.opensearch.hubness.bank.state.BankVersion;
import org.opensearch.hubness.bank.state.BuildTicket;
import org.opensearch.hubness.bank.state.BuildTrigger;
import org.opensearch.hubness.bank.state.HubnessMetadata;
import org.opensearch.hubness.bank.storage.BankBlobs;
import org.opensearch.hubness.bank.storage.CapturedVectors;
import org.opensearch.hubness.bank.storage.PostedVectors;
import org.opensearch.hubness.field.VectorFieldSpec;
import org.opensearch.hubness.node.BlobJanitor;
import org.opensearch.hubness.node.NodeView;
import org.opensearch.hubness.security.SecurityRefusal;
import org.opensearch.hubness.security.SourceVisibility;
import org.opensearch.hubness.security.SystemIndexAccess;
import org.opensearch.hubness.settings.HubnessSettings;
import org.opensearch.tasks.CancellableTask;
import org.opensearch.tasks.TaskManager;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.client.Client;

/**
 * Runs one build the way the cluster manager coordinates it: record the start (the cluster manager refuses a second
 * build or an existing name), compute the version on this node's build pool, write its blobs, then ask the cluster
 * manager to publish it — which it does only if this build is still the bank's running build — and wait until every
 * node loaded it. Whatever fails ends the build as failed (the serving version keeps serving). Unreferenced blobs
 * are cleaned afterwards.
 */
public final class BuildRunner {

    /** A published build's answer: the bank as recorded, and every node's view of it once each settled. */
    public record Published(BankRecord bank, List<NodeView> nodes) {}

    private static final Logger LOG = LogManager.getLogger(BuildRunner.class);

    /** StartBuild, EndBuild, BankNodes and the shard fan-outs, sent as the plugin. */
    private final BuildCalls calls;

    private final ClusterService clusterService;
    private final ThreadPool threadPool;
    private final BankBlobs blobs;
    private final HubnessSettings settings;
    private final BlobJanitor janitor;
    /** A build reads only sources the caller sees whole. */
    private final SourceVisibility sources;

    private final CapturedVectors captured;
    /** The gallery's operation count a build records as its rebuild policy's baseline. */
    private final GalleryOperations operations;

    public BuildRunner(
            Client client,
            BuildCalls calls,
            ClusterService clusterService,
            ThreadPool threadPool,
            BankBlobs blobs,
            HubnessSettings settings,
            BlobJanitor janitor,
            SystemIndexAccess asPlugin) {
        this.calls = calls;
        this.clusterService = clusterService;
        this.threadPool = threadPool;
        this.blobs = blobs;
        this.settings = settings;
        this.janitor = janitor;
        this.sources = new SourceVisibility(client, asPlugin);
        this.captured = new CapturedVectors(() -> client, asPlugin, blobs);
        this.operations = new GalleryOperations(client, clusterService, asPlugin);
    }

    /**
     * PUT of a parsed, validated definition: checks every source as the caller (403) and reserves the banks' bytes in
     * this node's request breaker (429), all before anything is recorded; then builds version 1. Runs on the build
     * pool; {@code task} cancelled (or the bank deleted) stops the build and its shard passes.
     */
    public void create(
            BankDefinition def,
            boolean background,
            CircuitBreaker requestBreaker,
            CancellableTask task,
            TaskManager tasks,
            ActionListener<BuildTicket> started,
            ActionListener<Published> listener) {
        String name = def.name();
        threadPool.executor(BuildPool.NAME).execute(() -> {
            BuildMemory reserved = BuildMemory.NONE;
            BankDefinition stored;
            String buildId;
            BuildSources checked;
            try {
                // every source as the caller before anything is recorded: a refused PUT leaves no bank behind
                checked = BuildSources.check(sources, def);
                VectorFieldSpec gallery = checked.galleryField();
                gallery.resolve(def.similarity());
                if (!gallery.index().equals(def.galleryIndex())) {
                    throw new IllegalArgumentException(
                            "[gallery.index] [" + def.galleryIndex() + "] is a pattern or alias for [" + gallery.index()
                                    + "]; a bank describes one concrete index: name it");
                }
                reserved = BuildMemory.reserve(requestBreaker, def, gallery.dimension(), checked::documents);
                buildId = UUIDs.randomBase64UUID();
                stored = PostedVectors.forStorage(def, buildId);
            } catch (Exception e) {
                reserved.close();
                notifyFailure(started, listener, e);
                return;
            }
            BankDefinition inMemory = def;
            BuildMemory memory = reserved;
            Checked sourcesChecked = new Checked(memory, checked, null);
            calls.start(
                    name,
                    stored,
                    buildId,
                    clusterService.localNode(),
                    BuildTrigger.PUT,
                    onPool(
                            s -> {
                                BuildTicket ticket = s.ticket();
                                if (started != null) started.onResponse(ticket);
                                run(new Build(name, ticket, task, tasks, !background, sourcesChecked, listener), () -> {
                                    PostedVectors.store(blobs, inMemory, ticket.buildId());
                                    return inMemory;
                                });
                            },
                            e -> {
                                memory.close();
                                notifyFailure(started, listener, e);
                            }));
        });
    }

    /**
     * _rebuild: re-reads the sources (posted vectors from their blob) and builds the next version; a caller who may
     * not read them (403) and banks beyond this node's request breaker (429) are refused before it is recorded, so the
     * serving version stays as it is.
     */
    public void rebuild(
            String name,
            BuildTrigger trigger,
            CircuitBreaker requestBreaker,
            CancellableTask task,
            TaskManager tasks,
            ActionListener<BuildTicket> started,
            ActionListener<Published> listener) {
        threadPool.executor(BuildPool.NAME).execute(() -> {
            Checked checked;
            try {
                BankDefinition.validateName(name);
                checked = reserveReadableSources(name, requestBreaker);
            } catch (Exception e) {
                notifyFailure(started, listener, e);
                return;
            }
            BuildMemory memory = checked.memory();
            calls.start(
                    name,
                    null,
                    UUIDs.randomBase64UUID(),
                    clusterService.localNode(),
                    trigger,
                    onPool(
                            s -> {
                                if (started != null) started.onResponse(s.ticket());
                                run(
                                        new Build(name, s.ticket(), task, tasks, false, checked, listener),
                                        () -> PostedVectors.resolve(blobs, s.definition()));
                            },
                            e -> {
                                memory.close();
                                notifyFailure(started, listener, e);
                            }));
        });
    }

    /**
     * A build's sources as checked and counted before it was recorded, and the bytes reserved for its banks; or the
     * fault a rebuild's recorded build fails with (an index deleted since), or neither (the bank does not exist).
     */
    private record Checked(BuildMemory memory, BuildSources sources, RuntimeException fault) {
        static final Checked NOTHING = new Checked(BuildMemory.NONE, null, null);
    }

    /**
     * A rebuild whose caller may not read every source whole is refused (403), and one whose banks do not fit this
     * node's request breaker (429), before it is recorded. Other faults of the sources (an index deleted since) fail
     * the recorded build, so the bank's state says why; such a build reserves nothing, it reads nothing either.
     */
    private Checked reserveReadableSources(String name, CircuitBreaker requestBreaker) {
        BankRecord record = HubnessMetadata.of(clusterService.state()).bank(name);
        if (record == null) return Checked.NOTHING; // StartBuild answers the 404
        BankDefinition def = record.definition();
        BuildSources checked;
        try {
            checked = BuildSources.check(sources, def);
        } catch (RuntimeException e) {
            if (SecurityRefusal.isRefusal(e)) throw e;
            return new Checked(BuildMemory.NONE, null, e);
        }
        requireEnoughCaptured(def);
        BuildMemory memory =
                BuildMemory.reserve(requestBreaker, def, checked.galleryField().dimension(), checked::documents);
        return new Checked(memory, checked, null);
    }

    /** A rebuild of a bank with fewer captured vectors than its min_size is a 409 before anything is recorded. */
    private void requireEnoughCaptured(BankDefinition def) {
        if (def.queryBank() == null || def.queryBank().captured() == null) return;
        CapturedSpec spec = def.queryBank().captured();
        if (spec.minSize() == 0) return;
        long n = captured.count(def.name());
        if (n < spec.minSize()) throw CapturedBankWaiting.refusal(def.name(), n, spec);
    }

    private static void notifyFailure(
            ActionListener<BuildTicket> started, ActionListener<Published> listener, Exception e) {
        if (started != null) started.onFailure(e);
        listener.onFailure(e);
    }

    /**
     * One recorded build: its ticket, its task and what it holds. Cancelled when its task is cancelled, and (through a
     * cluster-state listener) as soon as it is no longer the bank's running build (a DELETE, a departed node).
     */
    private final class Build implements ClusterStateListener {
        final String name;
        final BuildTicket ticket;
        final CancellableTask task;
        final TaskManager tasks;
        final boolean abandonIfInvalid;
        final BuildMemory memory;
        final Checked checked;
        final ActionListener<Published> listener;
        private final AtomicBoolean cancelling = new AtomicBoolean();

        Build(
                String name,
                BuildTicket ticket,
                CancellableTask task,
                TaskManager tasks,
                boolean abandonIfInvalid,
                Checked checked,
                ActionListener<Published> listener) {
            this.name = name;
            this.ticket = ticket;
            this.task = task;
            this.tasks = tasks;
            this.abandonIfInvalid = abandonIfInvalid;
            this.memory = checked.memory();
            this.checked = checked;
            this.listener = listener;
        }

        /** Throws when the build was overtaken (409, nothing recorded) or its task cancelled (recorded as failed). */
        void checkpoint() {
            requireCurrent(name, ticket);
            if (task.isCancelled()) throw cancelled();
        }

        TaskCancelledException cancelled() {
            return new TaskCancelledException("the build of bank [" + name + "] version " + ticket.version()
                    + " was cancelled (" + task.getReasonCancelled() + "); the serving version, if any, keeps serving;"
                    + " POST _rebuild to build again");
        }

        @Override
        public void clusterChanged(ClusterChangedEvent event) {
            if (BankTransitions.isCurrentBuild(HubnessMetadata.of(event.state()), name, ticket.buildId())) return;
            if (!cancelling.compareAndSet(false, true)) return;
            // stops the shard passes on every node now, not when the coordinator next looks
            threadPool
                    .generic()
                    .execute(() -> tasks.cancelTaskAndDescendants(
                            task,
                            "bank [" + name + "] was deleted or its build ended",
                            false,
                            ActionListener.wrap(() -> {})));
        }
    }

    private void run(Build build, Supplier<BankDefinition> definition) {
        clusterService.addListener(build);
        String name = build.name;
        BuildTicket ticket = build.ticket;
        ActionListener<Published> finish = ActionListener.wrap(
                response -> {
                    end(build);
                    build.listener.onResponse(response);
                },
                e -> failed(build, e));
        try {
            BankDefinition def = definition.get();
            build.checkpoint();
            if (build.checked.fault() != null) throw build.checked.fault();
            // checked before the build was recorded; again only if the recorded definition reads other sources
            BuildSources checked =
                    build.checked.sources() != null && build.checked.sources().covers(def)
                            ? build.checked.sources()
                            : BuildSources.check(sources, def);
            new GalleryBuild(
                            calls,
                            checked,
                            clusterService,
                            threadPool,
                            settings,
                            blobs,
                            captured,
                            operations,
                            new TaskId(clusterService.localNode().getId(), build.task.getId()),
                            build::checkpoint)
                    .run(def, ticket, onPool(result -> publish(build, result, finish), finish::onFailure));
        } catch (Exception e) {
            finish.onFailure(e);
        }
    }

    /** Writes the version's blobs, asks the cluster manager to publish it, then waits until every node settled on it. */
    private void publish(Build build, GalleryBuild.Result result, ActionListener<Published> finish) {
        String name = build.name;
        BuildTicket ticket = build.ticket;
        build.checkpoint();
        LoadedBank bank = result.bank();
        String sha = blobs.writeVersion(bank);
        BankVersion version = new BankVersion(
                ticket.version(),
                ticket.buildId(),
                sha,
                bank.dimension(),
                bank.queryBankSize(),
                bank.galleryBankSize(),
                result.report());
        build.checkpoint(); // the last look: once published, the build is done, cancelled or not
        clusterService.removeListener(build); // publishing ends the running build: that is no reason to cancel it
        calls.publish(
                name,
                ticket.buildId(),
                version,
                ActionListener.wrap(
                        applied -> {
                            if (!applied) throw overtaken(name, ticket);
                            // every node loads the version from the cluster state it applied; each answers once
                            // it holds or refused it
                            calls.whenSettled(
                                    name,
                                    ticket.buildId(),
                                    ActionListener.wrap(
                                            nodes -> answerPublished(name, ticket, nodes, finish), finish::onFailure));
                        },
                        finish::onFailure));
    }

    /** 200 when every node holds the published version; else the bank with the nodes that do not, and why (429/503). */
    private void answerPublished(
            String name, BuildTicket ticket, List<NodeView> nodes, ActionListener<Published> listener) {
        BankRecord record = HubnessMetadata.of(clusterService.state()).bank(name);
        if (record == null) listener.onFailure(overtaken(name, ticket));
        else listener.onResponse(new Published(record, nodes));
    }

    /** Records the failure (unless the build was overtaken: then nothing of it is left to record), then answers. */
    private void failed(Build build, Exception e) {
        clusterService.removeListener(build); // recording the failure ends the running build: no reason to cancel it
        boolean cancelled =
                build.task.isCancelled() || ExceptionsHelper.unwrapCause(e) instanceof TaskCancelledException;
        if (cancelled
                && !BankTransitions.isCurrentBuild(
                        HubnessMetadata.of(clusterService.state()), build.name, build.ticket.buildId())) {
            e = overtaken(build.name, build.ticket); // a DELETE cancels the build's task too
        }
        if (e instanceof Overtaken) {
            end(build);
            build.listener.onFailure(e);
            return;
        }
        if (cancelled) e = build.cancelled();
        logFailure(build.name, build.ticket, e);
        BankFailure failure = BankFailure.of(build.ticket.version(), e, threadPool.absoluteTimeInMillis());
        boolean abandon = build.abandonIfInvalid && e instanceof IllegalArgumentException;
        // the caller of a cancelled build hears 409, as when a DELETE overtook it; the bank's failure keeps the type
        Exception answer = cancelled ? new OpenSearchStatusException(e.getMessage(), RestStatus.CONFLICT, e) : e;
        calls.fail(
                build.name,
                build.ticket.buildId(),
                failure,
                abandon,
                ActionListener.wrap(
                        recorded -> {
                            end(build);
                            build.listener.onFailure(answer);
                        },
                        again -> {
                            LOG.warn(() -> "could not record the failed build of bank [" + build.name + "]", again);
                            end(build);
                            build.listener.onFailure(answer);
                        }));
    }

    /** The banks are written and dropped by now, whether the build published, failed, was cancelled or lost. */
    private void end(Build build) {
        clusterService.removeListener(build);
        build.memory.close();
        janitor.cleanLater(build.name);
    }

    /** A listener that runs {@code next} on the build pool (it writes blobs and merges), else fails with {@code onFailure}. */
    private <T> ActionListener<T> onPool(CheckedConsumer<T, Exception> next, Consumer<Exception> onFailure) {
        return new ThreadedActionListener<>(
                LOG, threadPool, BuildPool.NAME, ActionListener.wrap(next, onFailure), false);
    }

    /** The caller's answer (and the bank's failure) says why: a stack trace only for the node's own faults (5xx). */
    private static void logFailure(String name, BuildTicket ticket, Exception e) {
        if (e instanceof TaskCancelledException) {
            LOG.info("build of bank [{}] version {} cancelled: {}", name, ticket.version(), e.getMessage());
        } else if (SecurityRefusal.isRefusal(e)) {
            LOG.debug("build of bank [{}] version {} refused: {}", name, ticket.version(), e.getMessage());
        } else if (ExceptionsHelper.status(e).getStatus() < 500) {
            LOG.info("build of bank [{}] version {} failed: {}", name, ticket.version(), e.getMessage());
        } else {
            LOG.warn(() -> "build of bank [" + name + "] version " + ticket.version() + " failed", e);
        }
    }

    /** A build a DELETE (or a newer PUT after it) overtook stops here: it can never publish anyway. */
    private void requireCurrent(String name, BuildTicket ticket) {
        if (!BankTransitions.isCurrentBuild(HubnessMetadata.of(clusterService.state()), name, ticket.buildId()))
            throw overtaken(name, ticket);
    }

    private static Overtaken overtaken(String name, BuildTicket ticket) {
        return new Overtaken("bank [" + name + "] was deleted, re-created or its build was failed while version "
                + ticket.version() + " was building; this build was discarded");
    }

    /** 409: the build lost to a DELETE or to the cluster manager; it published nothing. */
    static final class Overtaken extends OpenSearchStatusException {
        Overtaken(String message) {
            super(message, RestStatus.CONFLICT);
        }
    }
}
