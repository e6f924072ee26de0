package org.opensearch.hubness.build;

import java.util.List;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.ExceptionsHelper;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.UUIDs;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.common.breaker.CircuitBreaker;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.hubness.bank.BankDefinition;
import org.opensearch.hubness.bank.LoadedBank;
import org.opensearch.hubness.bank.PostedVectors;
import org.opensearch.hubness.bank.state.BankFailure;
import org.opensearch.hubness.bank.state.BankRecord;
import org.opensearch.hubness.bank.state.BankTransitions;
import org.opensearch.hubness.bank.state.BankVersion;
import org.opensearch.hubness.bank.state.BuildTicket;
import org.opensearch.hubness.bank.state.HubnessMetadata;
import org.opensearch.hubness.bank.storage.BankBlobs;
import org.opensearch.hubness.field.VectorFieldSpec;
import org.opensearch.hubness.node.BlobJanitor;
import org.opensearch.hubness.security.SecurityRefusal;
import org.opensearch.hubness.security.SourceVisibility;
import org.opensearch.hubness.security.SystemIndexAccess;
import org.opensearch.hubness.settings.HubnessSettings;
import org.opensearch.hubness.transport.BankNodes;
import org.opensearch.hubness.transport.BankResponse;
import org.opensearch.hubness.transport.EndBuild;
import org.opensearch.hubness.transport.NodeView;
import org.opensearch.hubness.transport.StartBuild;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.client.Client;

/**
 * Runs one build the way the cluster manager coordinates it: record the start (the cluster manager refuses a second
 * build or an existing name), compute the version on this node's build pool, write its blobs, then ask the cluster
 * manager to publish it — which it does only if this build is still the bank's running build — and answer once every
 * node holds or refused it (each loads it from its cluster state; {@link BankNodes} only listens). Whatever fails
 * ends the build as failed (the serving version keeps serving). Unreferenced blobs are cleaned afterwards.
 */
public final class BuildRunner {

    private static final Logger LOG = LogManager.getLogger(BuildRunner.class);

    private final Client client;
    private final ClusterService clusterService;
    private final ThreadPool threadPool;
    private final BankBlobs blobs;
    private final HubnessSettings settings;
    private final BlobJanitor janitor;
    /** StartBuild, EndBuild and BankNodes run as the plugin: no user role needs the internal actions. */
    private final SystemIndexAccess asPlugin;
    /** A build reads only sources the caller sees whole. */
    private final SourceVisibility sources;

    public BuildRunner(
            Client client,
            ClusterService clusterService,
            ThreadPool threadPool,
            BankBlobs blobs,
            HubnessSettings settings,
            BlobJanitor janitor,
            SystemIndexAccess asPlugin) {
        this.client = client;
        this.clusterService = clusterService;
        this.threadPool = threadPool;
        this.blobs = blobs;
        this.settings = settings;
        this.janitor = janitor;
        this.asPlugin = asPlugin;
        this.sources = new SourceVisibility(client, asPlugin);
    }

    /**
     * PUT of a parsed, validated definition: checks every source as the caller (403) and reserves the banks' bytes in
     * this node's request breaker (429), all before anything is recorded; then builds version 1.
     */
    public void create(
            BankDefinition def,
            boolean background,
            CircuitBreaker requestBreaker,
            ActionListener<BuildTicket> started,
            ActionListener<BankResponse> listener) {
        String name = def.name();
        threadPool.generic().execute(() -> {
            BuildTicket ticket;
            BuildMemory reserved = BuildMemory.NONE;
            try {
                // every source as the caller before anything is recorded: a refused PUT leaves no bank behind
                VectorFieldSpec gallery = sources.requireWholeSources(def);
                gallery.resolve(def.similarity());
                if (!gallery.index().equals(def.galleryIndex())) {
                    throw new IllegalArgumentException(
                            "[gallery.index] [" + def.galleryIndex() + "] is a pattern or alias for [" + gallery.index()
                                    + "]; a bank describes one concrete index: name it");
                }
                reserved = BuildMemory.reserve(requestBreaker, def, gallery.dimension(), sources::documentsWithField);
                String buildId = UUIDs.randomBase64UUID();
                BankDefinition stored = PostedVectors.forStorage(def, buildId);
                ticket = asPlugin.call(() -> client.execute(
                                        StartBuild.ACTION,
                                        new StartBuild.Request(name, stored, buildId, clusterService.localNode()))
                                .actionGet())
                        .ticket();
            } catch (Exception e) {
                reserved.close();
                notifyFailure(started, listener, e);
                return;
            }
            if (started != null) started.onResponse(ticket);
            BankDefinition inMemory = def;
            BuildMemory memory = reserved;
            // the coordination waits on the fan-out, whose steps run on the build pool: never on the build pool itself
            threadPool
                    .generic()
                    .execute(() -> run(
                            name,
                            ticket,
                            () -> {
                                PostedVectors.store(blobs, inMemory, ticket.buildId());
                                return inMemory;
                            },
                            !background,
                            memory,
                            listener));
        });
    }

    /**
     * _rebuild: re-reads the sources (posted vectors from their blob) and builds the next version; a caller who may
     * not read them (403) and banks beyond this node's request breaker (429) are refused before it is recorded, so the
     * serving version stays as it is.
     */
    public void rebuild(
            String name,
            CircuitBreaker requestBreaker,
            ActionListener<BuildTicket> started,
            ActionListener<BankResponse> listener) {
        threadPool.generic().execute(() -> {
            StartBuild.Response s;
            BuildMemory reserved = BuildMemory.NONE;
            try {
                BankDefinition.validateName(name);
                reserved = reserveReadableSources(name, requestBreaker);
                s = asPlugin.call(() -> client.execute(
                                StartBuild.ACTION,
                                new StartBuild.Request(
                                        name, null, UUIDs.randomBase64UUID(), clusterService.localNode()))
                        .actionGet());
            } catch (Exception e) {
                reserved.close();
                notifyFailure(started, listener, e);
                return;
            }
            if (started != null) started.onResponse(s.ticket());
            BuildMemory memory = reserved;
            threadPool
                    .generic()
                    .execute(() -> run(
                            name,
                            s.ticket(),
                            () -> PostedVectors.resolve(blobs, s.definition()),
                            false,
                            memory,
                            listener));
        });
    }

    /**
     * A rebuild whose caller may not read every source whole is refused (403), and one whose banks do not fit this
     * node's request breaker (429), before it is recorded. Other faults of the sources (an index deleted since) fail
     * the recorded build, so the bank's state says why; such a build reserves nothing, it reads nothing either.
     */
    private BuildMemory reserveReadableSources(String name, CircuitBreaker requestBreaker) {
        BankRecord record = HubnessMetadata.of(clusterService.state()).bank(name);
        if (record == null) return BuildMemory.NONE; // StartBuild answers the 404
        BankDefinition def = record.definition();
        VectorFieldSpec gallery;
        try {
            gallery = sources.requireWholeSources(def);
        } catch (RuntimeException e) {
            if (SecurityRefusal.isRefusal(e)) throw e;
            return BuildMemory.NONE;
        }
        return BuildMemory.reserve(requestBreaker, def, gallery.dimension(), sources::documentsWithField);
    }

    private static void notifyFailure(
            ActionListener<BuildTicket> started, ActionListener<BankResponse> listener, Exception e) {
        if (started != null) started.onFailure(e);
        listener.onFailure(e);
    }

    private void run(
            String name,
            BuildTicket ticket,
            Supplier<BankDefinition> definition,
            boolean abandonIfInvalid,
            BuildMemory memory,
            ActionListener<BankResponse> listener) {
        try {
            BankDefinition def = definition.get();
            requireCurrent(name, ticket);
            GalleryBuild.Result result = new GalleryBuild(
                            client, clusterService, settings, asPlugin, blobs, () -> requireCurrent(name, ticket))
                    .run(def, ticket);
            requireCurrent(name, ticket);
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
            if (!asPlugin.call(() -> client.execute(
                                    EndBuild.ACTION, EndBuild.Request.published(name, ticket.buildId(), version))
                            .actionGet())
                    .applied()) {
                throw overtaken(name, ticket);
            }
            // every node loads the version from the cluster state it applied; each answers once it holds or refused it
            asPlugin.<BankNodes.Response>callAsync(
                    l -> client.execute(BankNodes.ACTION, BankNodes.Request.whenSettled(name, ticket.buildId()), l),
                    ActionListener.wrap(
                            settled -> answerPublished(name, ticket, settled.nodes(), listener), listener::onFailure));
        } catch (Exception e) {
            if (!(e instanceof Overtaken)) {
                logFailure(name, ticket, e);
                endAsFailed(name, ticket, e, abandonIfInvalid && e instanceof IllegalArgumentException);
            }
            listener.onFailure(e);
        } finally {
            memory.close(); // the banks are written and dropped by now, whether the build published, failed or lost
            janitor.cleanLater(name);
        }
    }

    /** 200 when every node holds the published version; else the bank with the nodes that do not, and why (429/503). */
    private void answerPublished(
            String name, BuildTicket ticket, List<NodeView> nodes, ActionListener<BankResponse> listener) {
        BankRecord record = HubnessMetadata.of(clusterService.state()).bank(name);
        if (record == null) listener.onFailure(overtaken(name, ticket));
        else listener.onResponse(BankResponse.published(record, nodes));
    }

    /** The caller's answer (and the bank's failure) says why: a stack trace only for the node's own faults (5xx). */
    private static void logFailure(String name, BuildTicket ticket, Exception e) {
        if (SecurityRefusal.isRefusal(e)) {
            LOG.debug("build of bank [{}] version {} refused: {}", name, ticket.version(), e.getMessage());
        } else if (ExceptionsHelper.status(e).getStatus() < 500) {
            LOG.info("build of bank [{}] version {} failed: {}", name, ticket.version(), e.getMessage());
        } else {
            LOG.warn(() -> "build of bank [" + name + "] version " + ticket.version() + " failed", e);
        }
    }

    private void endAsFailed(String name, BuildTicket ticket, Exception e, boolean abandon) {
        try {
            BankFailure failure = BankFailure.of(ticket.version(), e, threadPool.absoluteTimeInMillis());
            asPlugin.call(() -> client.execute(
                            EndBuild.ACTION, EndBuild.Request.failed(name, ticket.buildId(), failure, abandon))
                    .actionGet());
        } catch (RuntimeException again) {
            LOG.warn(() -> "could not record the failed build of bank [" + name + "]", again);
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
