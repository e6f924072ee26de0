package org.opensearch.hubness.settings;

import java.util.List;
import org.opensearch.common.settings.ClusterSettings;
import org.opensearch.common.settings.Setting;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.unit.MemorySizeValue;
import org.opensearch.core.common.unit.ByteSizeUnit;
import org.opensearch.core.common.unit.ByteSizeValue;
import org.opensearch.monitor.jvm.JvmInfo;

/** The plugin's node and cluster settings, all under plugins.hubness.*; the dynamic ones can change at runtime. */
public final class HubnessSettings {

    /** A byte size or a share of the heap; a negative size or one beyond the heap is refused with what to write instead. */
    public static final Setting<ByteSizeValue> CACHE_MAX_SIZE = new Setting<>(
            "plugins.hubness.cache.max_size",
            "5%",
            s -> MemorySizeValue.parseBytesSizeValueOrHeapRatio(s, "plugins.hubness.cache.max_size"),
            HubnessSettings::validateCacheSize,
            Setting.Property.NodeScope,
            Setting.Property.Dynamic);

    /**
     * The largest PUT body (posted vectors are parsed into objects, several times their JSON size): beyond it a 413
     * before parsing. Well below what a 512 MB heap survives; larger banks come from an index.
     */
    public static final Setting<ByteSizeValue> BANK_MAX_BODY_SIZE = Setting.byteSizeSetting(
            "plugins.hubness.bank.max_body_size",
            new ByteSizeValue(10, ByteSizeUnit.MB),
            new ByteSizeValue(1, ByteSizeUnit.KB),
            new ByteSizeValue(50, ByteSizeUnit.MB),
            Setting.Property.NodeScope,
            Setting.Property.Dynamic);

    /**
     * Limit of the plugin's circuit breaker, which accounts bank vectors and cached document terms; dynamic, as
     * OpenSearch's own breaker limits are (lowering it refuses what comes next, it evicts nothing).
     */
    public static final Setting<ByteSizeValue> BREAKER_LIMIT = Setting.memorySizeSetting(
            "plugins.hubness.breaker.limit", "10%", Setting.Property.NodeScope, Setting.Property.Dynamic);

    /**
     * Gallery documents per step of a build's pass, the unit of work of the build pool: one running step holds
     * (rows + 2) × (query bank + gallery bank) × 4 bytes (96 rows against banks of 10 000 + 10 000: 7.8 MB). 96 is 16
     * of the kernel's six-row groups, none padded, and reads the banks once per 96 documents: at 64 (the former
     * default) a 1M-document build took 5–22 % longer (docs/benchmarks.md).
     */
    public static final Setting<Integer> BUILD_ROWS_PER_STEP = Setting.intSetting(
            "plugins.hubness.build.rows_per_step", 96, 1, 4096, Setting.Property.NodeScope, Setting.Property.Dynamic);

    /** How many query-bank vectors the hubness report ranks the gallery with (it costs one ranking each). */
    public static final Setting<Integer> REPORT_QUERIES = Setting.intSetting(
            "plugins.hubness.build.report_queries",
            1000,
            0,
            100_000,
            Setting.Property.NodeScope,
            Setting.Property.Dynamic);

    public static List<Setting<?>> all() {
        return List.of(CACHE_MAX_SIZE, BREAKER_LIMIT, BUILD_ROWS_PER_STEP, REPORT_QUERIES, BANK_MAX_BODY_SIZE);
    }

    private static void validateCacheSize(ByteSizeValue v) {
        long heap = JvmInfo.jvmInfo().getMem().getHeapMax().getBytes();
        if (v.getBytes() < 0) {
            throw new IllegalArgumentException(
                    "[plugins.hubness.cache.max_size] must be a size >= 0 or a share of the heap such as 5%, got [" + v
                            + "]");
        }
        if (heap > 0 && v.getBytes() > heap) {
            throw new IllegalArgumentException(
                    "[plugins.hubness.cache.max_size] of [" + v + "] exceeds this node's heap of ["
                            + new ByteSizeValue(heap) + "]; use a share of the heap such as 5%");
        }
    }

    private volatile long cacheMaxBytes;
    private volatile long bankMaxBodyBytes;
    private volatile int rowsPerStep;
    private volatile int reportQueries;

    public HubnessSettings(Settings settings, ClusterSettings cluster) {
        cacheMaxBytes = CACHE_MAX_SIZE.get(settings).getBytes();
        rowsPerStep = BUILD_ROWS_PER_STEP.get(settings);
        reportQueries = REPORT_QUERIES.get(settings);
        bankMaxBodyBytes = BANK_MAX_BODY_SIZE.get(settings).getBytes();
        cluster.addSettingsUpdateConsumer(BANK_MAX_BODY_SIZE, v -> bankMaxBodyBytes = v.getBytes());
        cluster.addSettingsUpdateConsumer(CACHE_MAX_SIZE, v -> cacheMaxBytes = v.getBytes());
        cluster.addSettingsUpdateConsumer(BUILD_ROWS_PER_STEP, v -> rowsPerStep = v);
        cluster.addSettingsUpdateConsumer(REPORT_QUERIES, v -> reportQueries = v);
    }

    public long cacheMaxBytes() {
        return cacheMaxBytes;
    }

    public int rowsPerStep() {
        return rowsPerStep;
    }

    public int reportQueries() {
        return reportQueries;
    }

    public long bankMaxBodyBytes() {
        return bankMaxBodyBytes;
    }
}
