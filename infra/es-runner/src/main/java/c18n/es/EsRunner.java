package c18n.es;

import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.node.C18nNode;
import org.elasticsearch.node.InternalSettingsPreparer;
import org.elasticsearch.node.Node;
import org.elasticsearch.plugins.C18nPluginsService;
import org.elasticsearch.plugins.Plugin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs one Elasticsearch node in this JVM, bound to loopback.
 * Usage: -basePath DIR [-numOfNode 1] [-baseHttpPort 9200] [-clusterName NAME]; the node serves HTTP on baseHttpPort+1.
 * Extra node settings may be given as -Ekey=value.
 */
public final class EsRunner {

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        Settings.Builder extra = Settings.builder();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("-E") && args[i].contains("=")) {
                String kv = args[i].substring(2);
                extra.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            } else if (args[i].startsWith("-") && i + 1 < args.length) {
                opts.put(args[i].substring(1), args[++i]);
            } else {
                throw new IllegalArgumentException("unexpected argument: " + args[i]);
            }
        }
        if (Integer.parseInt(opts.getOrDefault("numOfNode", "1")) != 1) {
            throw new IllegalArgumentException("only -numOfNode 1 is supported");
        }
        Path home = Path.of(required(opts, "basePath")).toAbsolutePath().resolve("node_1");
        int httpPort = Integer.parseInt(opts.getOrDefault("baseHttpPort", "9200")) + 1;
        String host = opts.getOrDefault("host", "127.0.0.1");

        Path config = home.resolve("config");
        for (String dir : List.of("config", "data", "logs", "modules", "plugins")) {
            Files.createDirectories(home.resolve(dir));
        }
        copyResource("log4j2.properties", config.resolve("log4j2.properties"));
        Files.writeString(config.resolve("elasticsearch.yml"), "# settings come from the launcher's command line\n");

        Settings settings = Settings.builder()
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            .put("cluster.name", opts.getOrDefault("clusterName", "elasticsearch"))
            .put("node.name", "node_1")
            .put("network.host", host)
            .put("http.port", httpPort)
            .put("transport.port", opts.getOrDefault("transportPort", "0"))
            .put("discovery.type", "single-node")
            .put("transport.type", LoopbackNetworkPlugin.TRANSPORT)
            .put("http.type", LoopbackNetworkPlugin.HTTP)
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .put("indices.breaker.total.use_real_memory", false)
            .put("action.destructive_requires_name", false)
            .put(extra.build())
            .build();

        Environment environment = InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), config, () -> "node_1");
        LogConfigurator.registerErrorListener();
        LogConfigurator.setNodeName("node_1");
        LogConfigurator.configure(environment, true);

        List<Class<? extends Plugin>> plugins = List.of(LoopbackNetworkPlugin.class, CommonAnalysisPlugin.class);
        Node node = new C18nNode(environment, s -> new C18nPluginsService(s, environment, plugins));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                node.awaitClose(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }, "c18n-es-shutdown"));
        node.start();
        System.out.println("c18n-es: node started, http://" + host + ":" + httpPort);
        stopped.await();
    }

    private static String required(Map<String, String> opts, String key) {
        String value = opts.get(key);
        if (value == null) {
            throw new IllegalArgumentException("-" + key + " is required");
        }
        return value;
    }

    private static void copyResource(String name, Path target) throws IOException {
        try (InputStream in = EsRunner.class.getResourceAsStream("/" + name)) {
            Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
