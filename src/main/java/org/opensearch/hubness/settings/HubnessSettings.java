package org.opensearch.hubness.settings;

import org.opensearch.common.settings.ClusterSettings;
import org.opensearch.common.settings.Setting;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.common.unit.ByteSizeValue;

import java.util.List;

/** The plugin's node and cluster settings, all under plugins.hubness.*; the dynamic ones can change at runtime. */
public final class HubnessSettings {

    public static final Setting<ByteSizeValue> CACHE_MAX_SIZE = Setting.memorySizeSetting("plugins.hubness.cache.max_size", "5%",
        Setting.Property.NodeScope, Setting.Property.Dynamic);

    /** Limit of the plugin's circuit breaker, which accounts bank vectors and cached document terms. */
    public static final Setting<ByteSizeValue> BREAKER_LIMIT = Setting.memorySizeSetting("plugins.hubness.breaker.limit", "10%",
        Setting.Property.NodeScope);

    public static final Setting<Integer> BUILD_PAGE_SIZE = Setting.intSetting("plugins.hubness.build.page_size", 500, 10, 10_000,
        Setting.Property.NodeScope, Setting.Property.Dynamic);

    /** How many query-bank vectors the hubness report ranks the gallery with (it costs one ranking each). */
    public static final Setting<Integer> REPORT_QUERIES = Setting.intSetting("plugins.hubness.build.report_queries", 1000, 0, 100_000,
        Setting.Property.NodeScope, Setting.Property.Dynamic);

    public static List<Setting<?>> all() {
        return List.of(CACHE_MAX_SIZE, BREAKER_LIMIT, BUILD_PAGE_SIZE, REPORT_QUERIES);
    }

    private volatile long cacheMaxBytes;
    private volatile int pageSize;
    private volatile int reportQueries;

    public HubnessSettings(Settings settings, ClusterSettings cluster) {
        cacheMaxBytes = CACHE_MAX_SIZE.get(settings).getBytes();
        pageSize = BUILD_PAGE_SIZE.get(settings);
        reportQueries = REPORT_QUERIES.get(settings);
        cluster.addSettingsUpdateConsumer(CACHE_MAX_SIZE, v -> cacheMaxBytes = v.getBytes());
        cluster.addSettingsUpdateConsumer(BUILD_PAGE_SIZE, v -> pageSize = v);
        cluster.addSettingsUpdateConsumer(REPORT_QUERIES, v -> reportQueries = v);
    }

    public long cacheMaxBytes() { return cacheMaxBytes; }
    public int pageSize() { return pageSize; }
    public int reportQueries() { return reportQueries; }
}
