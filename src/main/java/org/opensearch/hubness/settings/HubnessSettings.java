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
            s -> heapShareOrSize(s, "plugins.hubness.cache.max_size"),
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
    public static final Setting<ByteSizeValue> BREAKER_LIMIT = new Setting<>(
            "plugins.hubness.breaker.limit",
            "10%",
            s -> heapShareOrSize(s, "plugins.hubness.breaker.limit"),
            HubnessSettings::validateBreakerLimit,
            Setting.Property.NodeScope,
            Setting.Property.Dynamic);

    /**
     * Whether plain index, bulk, delete, settings, close, alias or delete-index requests may change {@code
     * .hubness-banks} (see {@code security/BankStorageGuard}). Off: refused with a 403. On: let through, each with a
     * warning in the node log; for repairs by an operator (a restore over the index, a test that forges a blob).
     */
    public static final Setting<Boolean> BANK_STORAGE_DIRECT_WRITES = new Setting<>(
            "plugins.hubness.bank_storage.allow_direct_writes",
            "false",
            s -> strictBoolean(s, "plugins.hubness.bank_storage.allow_direct_writes"),
            Setting.Property.NodeScope,
            Setting.Property.Dynamic);

    /** Queue bounds of the plugin's two pools: -1 (OpenSearch's "unbounded") or 0 would be accepted otherwise. */
    static final int MAX_POOL_QUEUE = 100_000;

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
        return List.of(
                CACHE_MAX_SIZE,
                BREAKER_LIMIT,
                BUILD_ROWS_PER_STEP,
                REPORT_QUERIES,
                BANK_MAX_BODY_SIZE,
                BANK_STORAGE_DIRECT_WRITES);
    }

    /**
     * Refuses a queue size of a plugin pool outside 1..100 000 at node start, with the setting's name: the node's own
     * pool settings accept -1 (an unbounded queue) and 0 (every task rejected).
     */
    public static void checkPoolQueueSize(Settings settings, String prefix, int defaultSize) {
        String key = prefix + ".queue_size";
        int size = settings.getAsInt(key, defaultSize);
        if (size < 1 || size > MAX_POOL_QUEUE) {
            throw new IllegalArgumentException(
                    "[" + key + "] must be between 1 and " + MAX_POOL_QUEUE + ", got [" + size + "]");
        }
    }

    /** true or false, else an error that names the setting (OpenSearch's boolean parse names none). */
    private static boolean strictBoolean(String value, String key) {
        if ("true".equals(value)) return true;
        if ("false".equals(value)) return false;
        throw new IllegalArgumentException("[" + key + "] must be true or false, got [" + value + "]");
    }

    /** OpenSearch's parse, with the setting's name in every error (its percentage error names none). */
    private static ByteSizeValue heapShareOrSize(String value, String key) {
        try {
            return MemorySizeValue.parseBytesSizeValueOrHeapRatio(value, key);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "[" + key + "] must be a size such as 64mb or a share of the heap such as 10%, got [" + value
                            + "]: " + e.getMessage(),
                    e);
        }
    }

    private static long heapBytes() {
        return JvmInfo.jvmInfo().getMem().getHeapMax().getBytes();
    }

    /** A breaker limit is a positive size within the heap: -1 (OpenSearch's "no limit") would turn the breaker off. */
    private static void validateBreakerLimit(ByteSizeValue v) {
        withinHeap("plugins.hubness.breaker.limit", v, 1, "10%", "; the breaker cannot be turned off");
    }

    private static void validateCacheSize(ByteSizeValue v) {
        withinHeap("plugins.hubness.cache.max_size", v, 0, "5%", "");
    }

    /** At least {@code min} bytes and at most this node's heap, or a message with the setting and an example. */
    private static void withinHeap(String key, ByteSizeValue v, long min, String example, String why) {
        long heap = heapBytes();
        if (v.getBytes() < min) {
            throw new IllegalArgumentException("[" + key + "] must be a size >= " + min
                    + " or a share of the heap such as " + example + ", got [" + v + "]" + why);
        }
        if (heap > 0 && v.getBytes() > heap) {
            throw new IllegalArgumentException("[" + key + "] of [" + v + "] exceeds this node's heap of ["
                    + new ByteSizeValue(heap) + "]; use a share of the heap such as " + example);
        }
    }

    private volatile long cacheMaxBytes;
    private volatile long bankMaxBodyBytes;
    private volatile int rowsPerStep;
    private volatile int reportQueries;
    private volatile boolean directBankWrites;

    public HubnessSettings(Settings settings, ClusterSettings cluster) {
        cacheMaxBytes = CACHE_MAX_SIZE.get(settings).getBytes();
        rowsPerStep = BUILD_ROWS_PER_STEP.get(settings);
        reportQueries = REPORT_QUERIES.get(settings);
        bankMaxBodyBytes = BANK_MAX_BODY_SIZE.get(settings).getBytes();
        cluster.addSettingsUpdateConsumer(BANK_MAX_BODY_SIZE, v -> bankMaxBodyBytes = v.getBytes());
        cluster.addSettingsUpdateConsumer(CACHE_MAX_SIZE, v -> cacheMaxBytes = v.getBytes());
        cluster.addSettingsUpdateConsumer(BUILD_ROWS_PER_STEP, v -> rowsPerStep = v);
        cluster.addSettingsUpdateConsumer(REPORT_QUERIES, v -> reportQueries = v);
        directBankWrites = BANK_STORAGE_DIRECT_WRITES.get(settings);
        cluster.addSettingsUpdateConsumer(BANK_STORAGE_DIRECT_WRITES, v -> directBankWrites = v);
    }

    public boolean directBankWrites() {
        return directBankWrites;
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
