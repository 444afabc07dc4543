package c18n.es;

import org.elasticsearch.common.io.stream.NamedWriteableRegistry;
import org.elasticsearch.common.network.NetworkService;
import org.elasticsearch.common.settings.ClusterSettings;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.util.BigArrays;
import org.elasticsearch.common.util.PageCacheRecycler;
import org.elasticsearch.http.HttpPreRequest;
import org.elasticsearch.http.HttpServerTransport;
import org.elasticsearch.indices.breaker.CircuitBreakerService;
import org.elasticsearch.plugins.ActionPlugin;
import org.elasticsearch.plugins.NetworkPlugin;
import org.elasticsearch.cluster.metadata.IndexNameExpressionResolver;
import org.elasticsearch.cluster.node.DiscoveryNodes;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.common.settings.IndexScopedSettings;
import org.elasticsearch.common.settings.SettingsFilter;
import org.elasticsearch.features.NodeFeature;
import org.elasticsearch.rest.RestController;
import org.elasticsearch.rest.RestHandler;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.telemetry.tracing.Tracer;
import org.elasticsearch.threadpool.ThreadPool;
import org.elasticsearch.transport.Transport;
import org.elasticsearch.xcontent.NamedXContentRegistry;
import org.elasticsearch.common.util.concurrent.ThreadContext;

import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Network layer for a single local node: HTTP served by the JDK's built-in server, and a node-to-node
 * transport that only binds (a single node never dials itself; local requests skip the transport).
 * Stands in for Elasticsearch's Netty module, which Maven Central does not carry for 8.x.
 */
public class LoopbackNetworkPlugin extends Plugin implements NetworkPlugin, ActionPlugin {
    public static final String TRANSPORT = "c18n-local";
    public static final String HTTP = "c18n-jdk";

    private final AtomicReference<ClusterService> clusterService = new AtomicReference<>();

    @Override
    public Collection<?> createComponents(PluginServices services) {
        clusterService.set(services.clusterService());
        return List.of();
    }

    @Override
    public Collection<RestHandler> getRestHandlers(
        Settings settings, NamedWriteableRegistry namedWriteableRegistry, RestController restController,
        ClusterSettings clusterSettings, IndexScopedSettings indexScopedSettings, SettingsFilter settingsFilter,
        IndexNameExpressionResolver indexNameExpressionResolver, Supplier<DiscoveryNodes> nodesInCluster,
        Predicate<NodeFeature> clusterSupportsFeature
    ) {
        return List.of(new RootInfoRestHandler(clusterService::get));
    }

    @Override
    public Map<String, Supplier<Transport>> getTransports(
        Settings settings, ThreadPool threadPool, PageCacheRecycler pageCacheRecycler,
        CircuitBreakerService circuitBreakerService, NamedWriteableRegistry namedWriteableRegistry, NetworkService networkService
    ) {
        return Map.of(TRANSPORT, () -> new LocalOnlyTransport(
            settings, threadPool, pageCacheRecycler, circuitBreakerService, namedWriteableRegistry, networkService));
    }

    @Override
    public Map<String, Supplier<HttpServerTransport>> getHttpTransports(
        Settings settings, ThreadPool threadPool, BigArrays bigArrays, PageCacheRecycler pageCacheRecycler,
        CircuitBreakerService circuitBreakerService, NamedXContentRegistry xContentRegistry, NetworkService networkService,
        HttpServerTransport.Dispatcher dispatcher, BiConsumer<HttpPreRequest, ThreadContext> perRequestThreadContext,
        ClusterSettings clusterSettings, Tracer tracer
    ) {
        return Map.of(HTTP, () -> new JdkHttpServerTransport(
            settings, networkService, pageCacheRecycler, threadPool, xContentRegistry, dispatcher, clusterSettings, tracer));
    }
}
