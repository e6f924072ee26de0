package org.opensearch.hubness;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.opensearch.action.ActionRequest;
import org.opensearch.action.support.ActionFilter;
import org.opensearch.cluster.NamedDiff;
import org.opensearch.cluster.metadata.IndexMetadata;
import org.opensearch.cluster.metadata.IndexNameExpressionResolver;
import org.opensearch.cluster.metadata.Metadata;
import org.opensearch.cluster.node.DiscoveryNodes;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.settings.ClusterSettings;
import org.opensearch.common.settings.IndexScopedSettings;
import org.opensearch.common.settings.Setting;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.settings.SettingsFilter;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.core.ParseField;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.breaker.CircuitBreaker;
import org.opensearch.core.common.io.stream.NamedWriteableRegistry;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.env.Environment;
import org.opensearch.env.NodeEnvironment;
import org.opensearch.hubness.bank.CapturedSpec;
import org.opensearch.hubness.bank.VectorSource;
import org.opensearch.hubness.bank.state.BankRecord;
import org.opensearch.hubness.bank.state.HubnessMetadata;
import org.opensearch.hubness.bank.storage.BankBlobs;
import org.opensearch.hubness.bank.storage.CapturedVectors;
import org.opensearch.hubness.build.BuildCalls;
import org.opensearch.hubness.build.BuildPool;
import org.opensearch.hubness.build.BuildRunner;
import org.opensearch.hubness.build.GalleryOperations;
import org.opensearch.hubness.build.RestoredVersionCheck;
import org.opensearch.hubness.cache.DocTermsCache;
import org.opensearch.hubness.capture.CaptureCounts;
import org.opensearch.hubness.capture.CaptureFlusher;
import org.opensearch.hubness.capture.CapturePool;
import org.opensearch.hubness.capture.QueryCapture;
import org.opensearch.hubness.node.BankRegistry;
import org.opensearch.hubness.node.BankStorageReturn;
import org.opensearch.hubness.node.BankSync;
import org.opensearch.hubness.node.BlobJanitor;
import org.opensearch.hubness.node.LoadPool;
import org.opensearch.hubness.node.NodeBanks;
import org.opensearch.hubness.node.ServingBanks;
import org.opensearch.hubness.pipeline.HubnessExtProcessor;
import org.opensearch.hubness.pipeline.HubnessProcessorFactory;
import org.opensearch.hubness.pipeline.HubnessRequestProcessor;
import org.opensearch.hubness.pipeline.HubnessSearchExt;
import org.opensearch.hubness.policy.RebuildPolicyChecker;
import org.opensearch.hubness.rescore.HubnessRescorerBuilder;
import org.opensearch.hubness.rescore.HubnessSearchFilter;
import org.opensearch.hubness.rescore.HubnessServices;
import org.opensearch.hubness.rest.HubnessRestHandlers;
import org.opensearch.hubness.security.BankStorageGuard;
import org.opensearch.hubness.security.SystemIndexAccess;
import org.opensearch.hubness.settings.HubnessSettings;
import org.opensearch.hubness.stats.PolicyStats;
import org.opensearch.hubness.transport.BankNodes;
import org.opensearch.hubness.transport.BuildActions;
import org.opensearch.hubness.transport.ClearCache;
import org.opensearch.hubness.transport.DeleteBank;
import org.opensearch.hubness.transport.EndBuild;
import org.opensearch.hubness.transport.GetBank;
import org.opensearch.hubness.transport.HubnessStats;
import org.opensearch.hubness.transport.PutBank;
import org.opensearch.hubness.transport.ReadBankVectors;
import org.opensearch.hubness.transport.RebuildBank;
import org.opensearch.hubness.transport.RecordPolicyCheck;
import org.opensearch.hubness.transport.ShardBuildPass;
import org.opensearch.hubness.transport.StartBuild;
import org.opensearch.indices.SystemIndexDescriptor;
import org.opensearch.indices.breaker.BreakerSettings;
import org.opensearch.plugins.ActionPlugin;
import org.opensearch.plugins.CircuitBreakerPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.plugins.SearchPipelinePlugin;
import org.opensearch.plugins.SearchPlugin;
import org.opensearch.plugins.SystemIndexPlugin;
import org.opensearch.repositories.RepositoriesService;
import org.opensearch.rest.RestController;
import org.opensearch.rest.RestHandler;
import org.opensearch.script.ScriptService;
import org.opensearch.search.pipeline.Processor;
import org.opensearch.search.pipeline.SearchPipelineService;
import org.opensearch.search.pipeline.SearchRequestProcessor;
import org.opensearch.search.pipeline.SystemGeneratedProcessor;
import org.opensearch.threadpool.ExecutorBuilder;
import org.opensearch.threadpool.Scheduler;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.client.Client;
import org.opensearch.watcher.ResourceWatcherService;

/** Entry point of the opensearch-hubness plugin: registers the hubness rescorer, the banks and their admin API. */
public class HubnessPlugin extends Plugin
        implements SearchPlugin, ActionPlugin, SystemIndexPlugin, CircuitBreakerPlugin, SearchPipelinePlugin {

    public static final String BREAKER = "hubness";

    private final HubnessServices services = new HubnessServices();
    private DocTermsCache cache;
    private BankRegistry registry;
    private QueryCapture capture;
    private volatile CircuitBreaker breaker;
    private volatile HubnessSettings settings;
    private volatile ClusterService clusterService;
    private volatile IndexNameExpressionResolver resolver;
    private volatile ThreadPool threadPool;
    private volatile Scheduler.Cancellable captureFlushes;

    @Override
    public Collection<Object> createComponents(
            Client client,
            ClusterService clusterService,
            ThreadPool threadPool,
            ResourceWatcherService resourceWatcherService,
            ScriptService scriptService,
            NamedXContentRegistry xContentRegistry,
            Environment environment,
            NodeEnvironment nodeEnvironment,
            NamedWriteableRegistry namedWriteableRegistry,
            IndexNameExpressionResolver indexNameExpressionResolver,
            Supplier<RepositoriesService> repositoriesServiceSupplier) {
        HubnessSettings settings =
                new HubnessSettings(clusterService.getSettings(), clusterService.getClusterSettings());
        org.apache.logging.log4j.LogManager.getLogger(HubnessPlugin.class)
                .info(
                        "hubness kernel [{}], row reductions [{}]",
                        org.opensearch.hubness.kernel.VectorKernels.implementationName(),
                        org.opensearch.hubness.kernel.VectorKernels.rows().name());
        this.clusterService = clusterService;
        this.resolver = indexNameExpressionResolver;
        this.threadPool = threadPool;
        this.settings = settings;
        // the one place the plugin acts as itself: bank storage and the internal actions it sends on a user's behalf
        SystemIndexAccess asPlugin = new SystemIndexAccess(threadPool);
        BankBlobs blobs = new BankBlobs(() -> client, asPlugin);
        registry = new BankRegistry(
                name -> HubnessMetadata.of(clusterService.state()).bank(name), blobs::readVersion);
        cache = new DocTermsCache(settings::cacheMaxBytes);
        clusterService
                .getClusterSettings()
                .addSettingsUpdateConsumer(HubnessSettings.CACHE_MAX_SIZE, v -> cache.enforceBudget());
        if (breaker != null) setCircuitBreaker(breaker);
        BankSync sync = new BankSync(clusterService, threadPool, registry, cache);
        clusterService.addListener(sync);
        // after a snapshot restore: refusals for missing blobs lift when the index is back; missing blobs are rebuilt
        clusterService.addListener(new BankStorageReturn(registry, sync));
        BuildCalls buildCalls = new BuildActions(() -> client, asPlugin);
        clusterService.addListener(new RestoredVersionCheck(clusterService, threadPool, blobs, buildCalls));
        clusterService.getClusterSettings().addSettingsUpdateConsumer(HubnessSettings.BREAKER_LIMIT, limit -> {
            CircuitBreaker b = breaker;
            if (b != null) b.setLimitAndOverhead(limit.getBytes(), 1.0);
            sync.loadAllServing(HubnessMetadata.of(clusterService.state())); // versions refused for room may fit now
        });
        services.init(new ServingBanks(clusterService, registry, sync), cache);
        services.knnSearchable(index -> {
            IndexMetadata m = clusterService.state().metadata().index(index);
            return m == null || m.getSettings().getAsBoolean("index.knn", false);
        });
        PolicyStats policyStats = new PolicyStats();
        BlobJanitor janitor = new BlobJanitor(blobs, clusterService, threadPool);
        capture = new QueryCapture(name -> capturedSpec(clusterService, name));
        if (breaker != null) capture.setBreaker(breaker);
        services.capture(capture);
        services.waitingGallery(name -> waitingGallery(clusterService, name));
        CaptureFlusher flusher = new CaptureFlusher(
                capture,
                new CapturedVectors(() -> client, asPlugin, blobs),
                name -> servingBuiltAt(clusterService, name),
                janitor::cleanLater);
        captureFlushes = threadPool.scheduleWithFixedDelay(
                flusher, TimeValue.timeValueMillis(CaptureFlusher.INTERVAL_MILLIS), CapturePool.NAME);
        NodeBanks nodeBanks = new NodeBanks(registry, cache, services.rescoreStats(), sync, policyStats, capture);
        BuildRunner runner =
                new BuildRunner(client, buildCalls, clusterService, threadPool, blobs, settings, janitor, asPlugin);
        CaptureCounts captureCounts = new CaptureCounts();
        clusterService.addLocalNodeClusterManagerListener(new RebuildPolicyChecker(
                clusterService,
                threadPool,
                () -> client,
                asPlugin,
                new GalleryOperations(client, clusterService, asPlugin),
                (bank, since, listener) -> captureCounts.countSince(client, bank, since, listener),
                policyStats));
        return List.of(services, nodeBanks, registry, cache, settings, janitor, runner, blobs, asPlugin, captureCounts);
    }

    /** The capture settings of a bank's definition in the cluster state; null when it does not capture. */
    private static CapturedSpec capturedSpec(ClusterService clusterService, String bank) {
        BankRecord r = HubnessMetadata.of(clusterService.state()).bank(bank);
        if (r == null || r.definition().queryBank() == null) return null;
        return r.definition().queryBank().captured();
    }

    /** The gallery of a bank whose query bank is only captured vectors and that has no version yet; else null. */
    private static String waitingGallery(ClusterService clusterService, String bank) {
        BankRecord r = HubnessMetadata.of(clusterService.state()).bank(bank);
        if (r == null || r.serving() != null || r.definition().queryBank() == null) return null;
        return r.definition().queryBank().kind() == VectorSource.Kind.CAPTURED
                ? r.definition().galleryIndex()
                : null;
    }

    /** When the bank's serving version was built, or -1. */
    private static long servingBuiltAt(ClusterService clusterService, String bank) {
        BankRecord r = HubnessMetadata.of(clusterService.state()).bank(bank);
        if (r == null || r.serving() == null || r.serving().buildInfo() == null) return -1;
        return r.serving().buildInfo().builtAt();
    }

    @Override
    public void close() throws IOException {
        Scheduler.Cancellable flushes = captureFlushes;
        if (flushes != null) flushes.cancel();
        super.close();
    }

    @Override
    public List<RescorerSpec<?>> getRescorers() {
        return List.of(new RescorerSpec<>(
                HubnessRescorerBuilder.NAME,
                in -> new HubnessRescorerBuilder(in, services),
                parser -> HubnessRescorerBuilder.fromXContent(parser, services)));
    }

    /** {@code ext.hubness}: parsed only once an admin has enabled its system-generated processor. */
    @Override
    public List<SearchExtSpec<?>> getSearchExts() {
        return List.of(new SearchExtSpec<>(
                HubnessSearchExt.NAME,
                HubnessSearchExt::new,
                parser -> HubnessSearchExt.parse(parser, services, this::extEnabled)));
    }

    private boolean extEnabled() {
        ClusterService cs = clusterService;
        if (cs == null) return false;
        List<String> enabled =
                cs.getClusterSettings().get(SearchPipelineService.ENABLED_SYSTEM_GENERATED_FACTORIES_SETTING);
        return enabled.contains("*") || enabled.contains(HubnessExtProcessor.FACTORY);
    }

    @Override
    public Map<String, SystemGeneratedProcessor.SystemGeneratedFactory<SearchRequestProcessor>>
            getSystemGeneratedRequestProcessors(SearchPipelinePlugin.Parameters parameters) {
        return Map.of(HubnessExtProcessor.FACTORY, new HubnessExtProcessor.Factory(services));
    }

    @Override
    public Map<String, Processor.Factory<SearchRequestProcessor>> getRequestProcessors(
            SearchPipelinePlugin.Parameters parameters) {
        return Map.of(HubnessRequestProcessor.TYPE, new HubnessProcessorFactory(services, parameters.threadContext));
    }

    @Override
    public List<ActionHandler<? extends ActionRequest, ? extends ActionResponse>> getActions() {
        return List.of(
                new ActionHandler<>(PutBank.ACTION, PutBank.TransportAction.class),
                new ActionHandler<>(RebuildBank.ACTION, RebuildBank.TransportAction.class),
                new ActionHandler<>(GetBank.ACTION, GetBank.TransportAction.class),
                new ActionHandler<>(DeleteBank.ACTION, DeleteBank.TransportAction.class),
                new ActionHandler<>(StartBuild.ACTION, StartBuild.TransportAction.class),
                new ActionHandler<>(EndBuild.ACTION, EndBuild.TransportAction.class),
                new ActionHandler<>(RecordPolicyCheck.ACTION, RecordPolicyCheck.TransportAction.class),
                new ActionHandler<>(BankNodes.ACTION, BankNodes.TransportAction.class),
                new ActionHandler<>(ShardBuildPass.ACTION, ShardBuildPass.TransportAction.class),
                new ActionHandler<>(ReadBankVectors.ACTION, ReadBankVectors.TransportAction.class),
                new ActionHandler<>(HubnessStats.ACTION, HubnessStats.TransportAction.class),
                new ActionHandler<>(ClearCache.ACTION, ClearCache.TransportAction.class));
    }

    @Override
    public List<ActionFilter> getActionFilters() {
        return List.of(
                new HubnessSearchFilter(),
                new BankStorageGuard(
                        BankBlobs.NAME,
                        () -> this.clusterService,
                        () -> this.resolver,
                        () -> this.threadPool == null ? null : this.threadPool.getThreadContext(),
                        () -> this.settings != null && this.settings.directBankWrites()));
    }

    @Override
    public List<NamedWriteableRegistry.Entry> getNamedWriteables() {
        return List.of(
                new NamedWriteableRegistry.Entry(Metadata.Custom.class, HubnessMetadata.TYPE, HubnessMetadata::new),
                new NamedWriteableRegistry.Entry(NamedDiff.class, HubnessMetadata.TYPE, HubnessMetadata::readDiffFrom));
    }

    @Override
    public List<NamedXContentRegistry.Entry> getNamedXContent() {
        return List.of(new NamedXContentRegistry.Entry(
                Metadata.Custom.class, new ParseField(HubnessMetadata.TYPE), HubnessMetadata::fromXContent));
    }

    @Override
    public List<RestHandler> getRestHandlers(
            Settings settings,
            RestController restController,
            ClusterSettings clusterSettings,
            IndexScopedSettings indexScopedSettings,
            SettingsFilter settingsFilter,
            IndexNameExpressionResolver resolver,
            Supplier<DiscoveryNodes> nodes) {
        long startupBound = HubnessSettings.BANK_MAX_BODY_SIZE.get(settings).getBytes();
        return HubnessRestHandlers.all(() -> this.settings == null ? startupBound : this.settings.bankMaxBodyBytes());
    }

    @Override
    public Collection<SystemIndexDescriptor> getSystemIndexDescriptors(Settings settings) {
        return List.of(BankBlobs.descriptor());
    }

    @Override
    public List<Setting<?>> getSettings() {
        return HubnessSettings.all();
    }

    @Override
    public List<ExecutorBuilder<?>> getExecutorBuilders(Settings settings) {
        return List.of(BuildPool.executor(settings), LoadPool.executor(settings), CapturePool.executor(settings));
    }

    @Override
    public BreakerSettings getCircuitBreaker(Settings settings) {
        return new BreakerSettings(
                BREAKER,
                HubnessSettings.BREAKER_LIMIT.get(settings).getBytes(),
                1.0,
                CircuitBreaker.Type.MEMORY,
                CircuitBreaker.Durability.TRANSIENT);
    }

    @Override
    public void setCircuitBreaker(CircuitBreaker breaker) {
        // the node may call this before or after createComponents: whichever comes second wires it
        this.breaker = breaker;
        if (cache != null) cache.setBreaker(breaker);
        if (registry != null) registry.setBreaker(breaker);
        if (capture != null) capture.setBreaker(breaker);
    }
}
