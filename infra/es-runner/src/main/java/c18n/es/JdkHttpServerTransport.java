package c18n.es;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.common.bytes.BytesArray;
import org.elasticsearch.common.bytes.BytesReference;
import org.elasticsearch.common.bytes.ReleasableBytesReference;
import org.elasticsearch.common.network.NetworkService;
import org.elasticsearch.common.settings.ClusterSettings;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.util.PageCacheRecycler;
import org.elasticsearch.http.AbstractHttpServerTransport;
import org.elasticsearch.http.HttpChannel;
import org.elasticsearch.http.HttpRequest;
import org.elasticsearch.http.HttpResponse;
import org.elasticsearch.http.HttpServerChannel;
import org.elasticsearch.rest.ChunkedRestResponseBody;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.telemetry.tracing.Tracer;
import org.elasticsearch.threadpool.ThreadPool;
import org.elasticsearch.transport.BytesRefRecycler;
import org.elasticsearch.xcontent.NamedXContentRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** HTTP/1.1 for Elasticsearch's REST layer on top of com.sun.net.httpserver (loopback testing only). */
final class JdkHttpServerTransport extends AbstractHttpServerTransport {

    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
    private final ExecutorService executor;
    private final BytesRefRecycler bytesRecycler;

    JdkHttpServerTransport(Settings settings, NetworkService networkService, PageCacheRecycler pageCacheRecycler,
                           ThreadPool threadPool, NamedXContentRegistry xContentRegistry, Dispatcher dispatcher,
                           ClusterSettings clusterSettings, Tracer tracer) {
        this(settings, networkService, new BytesRefRecycler(pageCacheRecycler), threadPool, xContentRegistry, dispatcher,
            clusterSettings, tracer);
    }

    private JdkHttpServerTransport(Settings settings, NetworkService networkService, BytesRefRecycler recycler,
                                   ThreadPool threadPool, NamedXContentRegistry xContentRegistry, Dispatcher dispatcher,
                                   ClusterSettings clusterSettings, Tracer tracer) {
        super(settings, networkService, recycler, threadPool, xContentRegistry, dispatcher, clusterSettings, tracer);
        this.bytesRecycler = recycler;
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "c18n-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    protected void doStart() {
        bindServer();
    }

    @Override
    protected HttpServerChannel bind(InetSocketAddress address) throws IOException {
        HttpServer server = HttpServer.create(address, 128);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        servers.add(server);
        return new ServerChannel(server);
    }

    @Override
    protected void stopInternal() {
        servers.forEach(s -> s.stop(0));
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, new ArrayList<>(v)));
        String uri = exchange.getRequestURI().getRawPath()
            + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
        RestRequest.Method method;
        try {
            method = RestRequest.Method.valueOf(exchange.getRequestMethod());
        } catch (IllegalArgumentException e) {
            exchange.sendResponseHeaders(405, -1);
            exchange.close();
            return;
        }
        ExchangeChannel channel = new ExchangeChannel(exchange);
        serverAcceptedChannel(channel);
        incomingRequest(new Request(method, uri, headers, new BytesArray(body), exchange.getProtocol()), channel);
    }

    private record Request(RestRequest.Method method, String uri, Map<String, List<String>> headers,
                           BytesReference content, String protocol) implements HttpRequest {
        @Override public Map<String, List<String>> getHeaders() { return headers; }
        @Override public List<String> strictCookies() { return List.of(); }
        @Override public HttpVersion protocolVersion() {
            return "HTTP/1.0".equals(protocol) ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1;
        }
        @Override public HttpRequest removeHeader(String header) { headers.remove(header); return this; }
        @Override public HttpResponse createResponse(RestStatus status, BytesReference body) { return new Response(status, body, null); }
        @Override public HttpResponse createResponse(RestStatus status, ChunkedRestResponseBody body) { return new Response(status, null, body); }
        @Override public Exception getInboundException() { return null; }
        @Override public void release() {}
        @Override public HttpRequest releaseAndCopy() { return this; }
    }

    private static final class Response implements HttpResponse {
        final RestStatus status;
        final BytesReference content;
        final ChunkedRestResponseBody chunked;
        final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

        Response(RestStatus status, BytesReference content, ChunkedRestResponseBody chunked) {
            this.status = status;
            this.content = content;
            this.chunked = chunked;
        }

        @Override public void addHeader(String name, String value) { headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value); }
        @Override public boolean containsHeader(String name) { return headers.containsKey(name); }
    }

    private final class ExchangeChannel implements HttpChannel {
        private final HttpExchange exchange;
        private final AtomicBoolean open = new AtomicBoolean(true);
        private final List<ActionListener<Void>> closeListeners = new CopyOnWriteArrayList<>();

        ExchangeChannel(HttpExchange exchange) {
            this.exchange = exchange;
        }

        @Override
        public void sendResponse(HttpResponse httpResponse, ActionListener<Void> listener) {
            Response response = (Response) httpResponse;
            try {
                byte[] bytes = response.chunked == null ? BytesReference.toBytes(response.content) : drain(response.chunked);
                response.headers.forEach((name, values) -> {
                    if (name.equalsIgnoreCase("content-length") == false && name.equalsIgnoreCase("transfer-encoding") == false) {
                        exchange.getResponseHeaders().put(name, values);
                    }
                });
                int code = response.status.getStatus();
                boolean noBody = bytes.length == 0 || "HEAD".equals(exchange.getRequestMethod()) || code == 204 || code == 304;
                exchange.sendResponseHeaders(code, noBody ? -1 : bytes.length);
                if (noBody == false) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(bytes);
                    }
                }
                exchange.close();
                listener.onResponse(null);
            } catch (Exception e) {
                exchange.close();
                listener.onFailure(e);
            } finally {
                close();
            }
        }

        private byte[] drain(ChunkedRestResponseBody body) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (body.isDone() == false) {
                try (ReleasableBytesReference chunk = body.encodeChunk(16 * 1024, bytesRecycler)) {
                    chunk.writeTo(out);
                }
            }
            return out.toByteArray();
        }

        @Override public InetSocketAddress getLocalAddress() { return exchange.getLocalAddress(); }
        @Override public InetSocketAddress getRemoteAddress() { return exchange.getRemoteAddress(); }

        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                closeListeners.forEach(l -> l.onResponse(null));
            }
        }

        @Override
        public void addCloseListener(ActionListener<Void> listener) {
            if (open.get()) {
                closeListeners.add(listener);
            } else {
                listener.onResponse(null);
            }
        }

        @Override public boolean isOpen() { return open.get(); }
    }

    private static final class ServerChannel implements HttpServerChannel {
        private final HttpServer server;
        private final AtomicBoolean open = new AtomicBoolean(true);
        private final List<ActionListener<Void>> closeListeners = new CopyOnWriteArrayList<>();

        ServerChannel(HttpServer server) {
            this.server = server;
        }

        @Override public InetSocketAddress getLocalAddress() { return server.getAddress(); }

        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                server.stop(0);
                closeListeners.forEach(l -> l.onResponse(null));
            }
        }

        @Override
        public void addCloseListener(ActionListener<Void> listener) {
            if (open.get()) {
                closeListeners.add(listener);
            } else {
                listener.onResponse(null);
            }
        }

        @Override public boolean isOpen() { return open.get(); }
    }
}
