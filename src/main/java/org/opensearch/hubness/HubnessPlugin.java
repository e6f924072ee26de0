package org.opensearch.hubness;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.action.ActionRequest;
import org.opensearch.action.FailedNodeException;
import org.opensearch.cluster.ClusterChangedEvent;
import org.opensearch.cluster.metadata.IndexNameExpressionResolver;
import org.opensearch.cluster.node.DiscoveryNodes;
import org.opensearch.cluster.routing.IndexRoutingTable;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.settings.ClusterSettings;
import org.opensearch.common.settings.IndexScopedSettings;
import org.opensearch.common.settings.Setting;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.settings.SettingsFilter;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.breaker.CircuitBreaker;
import org.opensearch.core.common.io.stream.NamedWriteableRegistry;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.env.Environment;
import org.opensearch.env.NodeEnvironment;
import org.opensearch.gateway.GatewayService;
import org.opensearch.hubness.bank.BankIndex;
import org.opensearch.hubness.bank.BankRegistry;
import org.opensearch.hubness.bank.BankService;
import org.opensearch.hubness.bank.NodeBanks;
import org.opensearch.hubness.cache.DocTermsCache;
import org.opensearch.hubness.rescore.HubnessRescorerBuilder;
import org.opensearch.hubness.rest.RestHubnessAction;
import org.opensearch.hubness.security.SystemIndexAccess;
import org.opensearch.hubness.settings.HubnessSettings;
import org.opensearch.hubness.transport.BankAction;
import org.opensearch.hubness.transport.NodesAction;
import org.opensearch.hubness.transport.NodesRequest;
import org.opensearch.hubness.transport.NodesResponse;
import org.opensearch.hubness.transport.TransportBankAction;
import org.opensearch.hubness.transport.TransportNodesOp;
import org.opensearch.indices.SystemIndexDescriptor;
import org.opensearch.indices.breaker.BreakerSettings;
import org.opensearch.plugins.ActionPlugin;
import org.opensearch.plugins.CircuitBreakerPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.plugins.SearchPlugin;
import org.opensearch.plugins.SystemIndexPlugin;
import org.opensearch.repositories.RepositoriesService;
import org.opensearch.rest.RestController;
import org.opensearch.rest.RestHandler;
import org.opensearch.script.ScriptService;
import org.opensearch.threadpool.ExecutorBuilder;
import org.opensearch.threadpool.FixedExecutorBuilder;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.client.Client;
import org.opensearch.watcher.ResourceWatcherService;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/** Entry point of the opensearch-hubness plugin: registers the hubness rescorer, the banks and their admin API. */
public class HubnessPlugin extends Plugin implements SearchPlugin, ActionPlugin, SystemIndexPlugin, CircuitBreakerPlugin {

    private static final Logger LOG = LogManager.getLogger(HubnessPlugin.class);

    /** Bank builds run here, one at a time per node, never on search or transport threads. */
    public static final String BUILD_POOL = "hubness_build";
    public static final String BREAKER = "hubness";

    private final HubnessServices services = new HubnessServices();
    private DocTermsCache cache;
    private BankRegistry registry;
    private volatile CircuitBreaker breaker;

    @Override
    public Collection<Object> createComponents(Client client, ClusterService clusterService, ThreadPool threadPool,
                                               ResourceWatcherService resourceWatcherService, ScriptService scriptService,
                                               NamedXContentRegistry xContentRegistry, Environment environment,
                                               NodeEnvironment nodeEnvironment, NamedWriteableRegistry namedWriteableRegistry,
                                               IndexNameExpressionResolver indexNameExpressionResolver,
                                               Supplier<RepositoriesService> repositoriesServiceSupplier) {
        HubnessSettings settings = new HubnessSettings(clusterService.getSettings(), clusterService.getClusterSettings());
        BankIndex index = new BankIndex(() -> client, threadPool);
        registry = new BankRegistry(index);
        cache = new DocTermsCache(settings::cacheMaxBytes);
        clusterService.getClusterSettings().addSettingsUpdateConsumer(HubnessSettings.CACHE_MAX_SIZE, v -> cache.enforceBudget());
        if (breaker != null) setCircuitBreaker(breaker);
        services.init(registry, cache);
        NodeBanks nodeBanks = new NodeBanks(registry, cache, services.rescoreStats());
        BankService bankService = new BankService(() -> client, clusterService, index, settings);
        // the sync is the plugin's own business: it runs as the plugin, so user roles need no internal action
        SystemIndexAccess asPlugin = new SystemIndexAccess(threadPool);
        bankService.setNodeSync(new BankService.NodeSync() {
            @Override
            public void installed(String bank, long version) {
                reportFailures("install bank [" + bank + "] version " + version,
                    asPlugin.call(() -> client.execute(NodesAction.INSTALL, new NodesRequest(bank, version)).actionGet()));
            }

            @Override
            public void deleted(String bank) {
                reportFailures("forget bank [" + bank + "]",
                    asPlugin.call(() -> client.execute(NodesAction.FORGET, new NodesRequest(bank, -1)).actionGet()));
            }
        });
        loadBanksOnceIndexIsUp(clusterService, threadPool, bankService, nodeBanks);
        return List.of(services, nodeBanks, bankService, registry, cache, settings);
    }

    /** A node that missed an install loads the version when a shard first needs it, so this only warns. */
    private static void reportFailures(String what, NodesResponse response) {
        for (FailedNodeException f : response.failures()) {
            LOG.warn(() -> "could not " + what + " on node [" + f.nodeId() + "]; it will load the bank when a search needs it", f);
        }
    }

    /** A node that starts or joins loads the serving banks as soon as the bank index can be read. */
    private static void loadBanksOnceIndexIsUp(ClusterService clusterService, ThreadPool threadPool, BankService banks, NodeBanks node) {
        AtomicBoolean loaded = new AtomicBoolean();
        clusterService.addListener((ClusterChangedEvent event) -> {
            if (loaded.get() || event.state().blocks().hasGlobalBlock(GatewayService.STATE_NOT_RECOVERED_BLOCK)) return;
            IndexRoutingTable table = event.state().routingTable().index(BankIndex.NAME);
            if (table == null || !table.allPrimaryShardsActive()) return;
            if (!loaded.compareAndSet(false, true)) return;
            threadPool.generic().execute(() -> {
                try {
                    node.loadServing(banks.servingVersions(), null); // shards may still be recovering: searches fill the cache
                } catch (RuntimeException e) {
                    loaded.set(false); // try again on the next cluster change
                }
            });
        });
    }

    @Override
    public List<RescorerSpec<?>> getRescorers() {
        return List.of(new RescorerSpec<>(HubnessRescorerBuilder.NAME, in -> new HubnessRescorerBuilder(in, services),
            parser -> HubnessRescorerBuilder.fromXContent(parser, services)));
    }

    @Override
    public List<ActionHandler<? extends ActionRequest, ? extends ActionResponse>> getActions() {
        return List.of(
            new ActionHandler<>(BankAction.PUT, TransportBankAction.Put.class),
            new ActionHandler<>(BankAction.REBUILD, TransportBankAction.Rebuild.class),
            new ActionHandler<>(BankAction.GET, TransportBankAction.Get.class),
            new ActionHandler<>(BankAction.DELETE, TransportBankAction.Delete.class),
            new ActionHandler<>(NodesAction.STATS, TransportNodesOp.Stats.class),
            new ActionHandler<>(NodesAction.CLEAR_CACHE, TransportNodesOp.ClearCache.class),
            new ActionHandler<>(NodesAction.INSTALL, TransportNodesOp.Install.class),
            new ActionHandler<>(NodesAction.FORGET, TransportNodesOp.Forget.class)
        );
    }

    @Override
    public List<RestHandler> getRestHandlers(Settings settings, RestController restController, ClusterSettings clusterSettings,
                                             IndexScopedSettings indexScopedSettings, SettingsFilter settingsFilter,
                                             IndexNameExpressionResolver resolver, Supplier<DiscoveryNodes> nodes) {
        return List.of(new RestHubnessAction());
    }

    @Override
    public Collection<SystemIndexDescriptor> getSystemIndexDescriptors(Settings settings) {
        return List.of(BankIndex.descriptor());
    }

    @Override
    public List<Setting<?>> getSettings() {
        return HubnessSettings.all();
    }

    @Override
    public List<ExecutorBuilder<?>> getExecutorBuilders(Settings settings) {
        return List.of(new FixedExecutorBuilder(settings, BUILD_POOL, 1, 100, "plugins.hubness.thread_pool.build"));
    }

    @Override
    public BreakerSettings getCircuitBreaker(Settings settings) {
        return new BreakerSettings(BREAKER, HubnessSettings.BREAKER_LIMIT.get(settings).getBytes(), 1.0,
            CircuitBreaker.Type.MEMORY, CircuitBreaker.Durability.TRANSIENT);
    }

    @Override
    public void setCircuitBreaker(CircuitBreaker breaker) {
        // the node may call this before or after createComponents: whichever comes second wires it
        this.breaker = breaker;
        if (cache != null) cache.setBreaker(breaker);
        if (registry != null) registry.setBreaker(breaker);
    }
}
