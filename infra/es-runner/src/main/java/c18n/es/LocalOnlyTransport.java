package c18n.es;

import org.elasticsearch.TransportVersion;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.cluster.node.DiscoveryNode;
import org.elasticsearch.common.io.stream.NamedWriteableRegistry;
import org.elasticsearch.common.network.NetworkService;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.util.PageCacheRecycler;
import org.elasticsearch.indices.breaker.CircuitBreakerService;
import org.elasticsearch.threadpool.ThreadPool;
import org.elasticsearch.transport.ConnectionProfile;
import org.elasticsearch.transport.TcpChannel;
import org.elasticsearch.transport.TcpServerChannel;
import org.elasticsearch.transport.TcpTransport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Binds the transport port (so the node has an address) but refuses to dial other nodes. */
final class LocalOnlyTransport extends TcpTransport {

    LocalOnlyTransport(Settings settings, ThreadPool threadPool, PageCacheRecycler recycler,
                       CircuitBreakerService breakers, NamedWriteableRegistry registry, NetworkService networkService) {
        super(settings, TransportVersion.current(), threadPool, recycler, breakers, registry, networkService);
    }

    @Override
    protected void doStart() {
        if (NetworkService.NETWORK_SERVER.get(settings)) {
            for (ProfileSettings profile : profileSettingsSet) {
                bindServer(profile);
            }
        }
    }

    @Override
    protected TcpServerChannel bind(String name, InetSocketAddress address) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(address);
        return new ServerChannel(server);
    }

    @Override
    protected TcpChannel initiateChannel(DiscoveryNode node, ConnectionProfile connectionProfile) throws IOException {
        throw new IOException("single-node launcher: no connections to other nodes (" + node + ")");
    }

    @Override
    protected void stopInternal() {}

    private static final class ServerChannel implements TcpServerChannel {
        private final ServerSocketChannel server;
        private final List<ActionListener<Void>> closeListeners = new CopyOnWriteArrayList<>();

        ServerChannel(ServerSocketChannel server) {
            this.server = server;
        }

        @Override
        public InetSocketAddress getLocalAddress() {
            try {
                return (InetSocketAddress) server.getLocalAddress();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            try {
                server.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            closeListeners.forEach(l -> l.onResponse(null));
        }

        @Override
        public void addCloseListener(ActionListener<Void> listener) {
            if (server.isOpen()) {
                closeListeners.add(listener);
            } else {
                listener.onResponse(null);
            }
        }

        @Override
        public boolean isOpen() {
            return server.isOpen();
        }
    }
}
