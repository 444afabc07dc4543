package org.elasticsearch.node;

import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.plugins.PluginsService;

import java.util.function.Function;

/** A Node whose plugins come from the classpath (lives in this package for NodeServiceProvider's package access). */
public class C18nNode extends Node {

    public C18nNode(Environment environment, Function<Settings, PluginsService> pluginsServiceFactory) {
        super(NodeConstruction.prepareConstruction(environment, new NodeServiceProvider() {
            @Override
            PluginsService newPluginService(Environment env, Settings settings) {
                return pluginsServiceFactory.apply(settings);
            }
        }, true));
    }

    @Override
    protected void configureNodeAndClusterIdStateListener(ClusterService clusterService) {
        // the stock listener only feeds log4j's node-id lookup, which this launcher does not use
    }
}
