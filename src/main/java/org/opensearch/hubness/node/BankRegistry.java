package org.opensearch.hubness.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.core.common.breaker.CircuitBreaker;
import org.opensearch.core.common.breaker.CircuitBreakingException;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.hubness.bank.BankRefusedException;
import org.opensearch.hubness.bank.LoadedBank;
import org.opensearch.hubness.bank.state.BankRecord;
import org.opensearch.hubness.bank.state.BankVersion;

/**
 * The banks a node holds in memory: per bank the serving version and the one before it (requests that pinned the
 * previous version while a rebuild switched still find it on every shard), each with the build id it came from, so
 * a bank deleted and created again under the same name never mixes with the old one. What may be loaded is decided
 * by the cluster state ({@code records}); what is loaded is checked against the SHA-256 recorded there. A version
 * this node refused (forged or missing blobs) or could not afford (breaker) is remembered with the reason, and not
 * re-read on every search: it is retried only when the cluster state names a different build, or — for the breaker —
 * once its recorded shape fits under the limit again. Loading blocks (it reads {@code .hubness-banks}): searches never
 * call it; they ask {@link #held} and leave loading to the node's background sync. Concurrent loads of one build
 * share one read.
 */
public final class BankRegistry {

    private static final Logger LOG = LogManager.getLogger(BankRegistry.class);

    /** A version held in memory and the build that produced it. */
    public record Held(LoadedBank bank, String buildId) {}

    private record Versions(Held current, Held previous) {}

    /**
     * Why this node does not serve a version. For a breaker refusal, the bytes the version needs and the limit then in
     * force, so that raising the limit (a dynamic setting) or freeing room retries it without waiting.
     */
    public record Refusal(
            long version,
            String buildId,
            String reason,
            RestStatus status,
            long atMillis,
            long bytesNeeded,
            long limitThen) {

        /**
         * Forged or missing blobs stay refused until another build serves. A breaker refusal stands while the version
         * still does not fit, and for a while after the breaker tripped on the bytes actually read (the parent breaker
         * may have refused), unless the limit changed since.
         */
        boolean stands(String wantedBuildId, long now, CircuitBreaker breaker) {
            if (!buildId.equals(wantedBuildId)) return false;
            if (status != RestStatus.TOO_MANY_REQUESTS || breaker == null) return true;
            if (!fits(breaker, bytesNeeded)) return true;
            return breaker.getLimit() == limitThen && now - atMillis < BREAKER_RETRY_MILLIS;
        }
    }

    private static final long BREAKER_RETRY_MILLIS = 30_000;

    private final Map<String, Versions> banks = new ConcurrentHashMap<>();
    private final Map<String, Refusal> refusals = new ConcurrentHashMap<>();
    /** Loads under way, per build id: a second caller waits for the first read instead of reading again. */
    private final Map<String, CompletableFuture<Held>> loading = new ConcurrentHashMap<>();

    private final Function<String, BankRecord> records;
    private final VersionReader reader;
    private volatile CircuitBreaker breaker;

    /** Reads a version's blobs and checks their hash (the bank index in production, memory in unit tests). */
    public interface VersionReader {
        LoadedBank read(String name, BankVersion version);
    }

    public BankRegistry(Function<String, BankRecord> records, VersionReader reader) {
        this.records = records;
        this.reader = reader;
    }

    public void setBreaker(CircuitBreaker breaker) {
        this.breaker = breaker;
    }

    /** The newest version held, or null. */
    public LoadedBank current(String name) {
        Versions v = banks.get(name);
        return v == null || v.current() == null ? null : v.current().bank();
    }

    /**
     * The given version of a bank: held, or loaded now (blocking) if the cluster state names it as the serving or
     * previous one. Null when the cluster state knows no such version (deleted or replaced since it was pinned).
     *
     * @throws OpenSearchStatusException (503) when this node refused the version, with the reason
     */
    public LoadedBank version(String name, long version) {
        LoadedBank held = held(name, version);
        if (held != null) return held;
        BankRecord record = records.apply(name);
        BankVersion wanted = record == null ? null : record.version(version);
        if (wanted == null) return null;
        return load(name, wanted).bank();
    }

    /**
     * Loads (or finds) the version the cluster state describes and keeps it; refusals are remembered and rethrown.
     * Blocking; a caller that finds the same build already loading waits for that read.
     */
    public Held load(String name, BankVersion wanted) {
        Held held = heldBuild(name, wanted);
        if (held != null) return held;
        Refusal refused = refusals.get(name);
        if (refused != null && refused.stands(wanted.buildId(), System.currentTimeMillis(), breaker)) {
            throw new OpenSearchStatusException(
                    "this node refused bank [" + name + "] version " + wanted.version() + ": " + refused.reason(),
                    refused.status());
        }
        CompletableFuture<Held> mine = new CompletableFuture<>();
        CompletableFuture<Held> running = loading.putIfAbsent(wanted.buildId(), mine);
        if (running != null) return await(running);
        try {
            Held h = readAndKeep(name, wanted);
            mine.complete(h);
            return h;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            loading.remove(wanted.buildId(), mine);
        }
    }

    /** Whether this node's refusal of the version still stands (a search then gets the refusal, not "being loaded"). */
    public Refusal standingRefusal(String name, BankVersion v) {
        Refusal r = refusals.get(name);
        return r != null && r.stands(v.buildId(), System.currentTimeMillis(), breaker) ? r : null;
    }

    private static Held await(CompletableFuture<Held> running) {
        try {
            return running.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
    }

    /** Heap a version will hold, from the shape the cluster state records: checked before anything is read. */
    static long estimatedBytes(BankVersion v) {
        return 4L * ((long) v.queryRows() + v.galleryRows()) * v.dimension() + 256;
    }

    private static boolean fits(CircuitBreaker b, long bytes) {
        return b.getLimit() < 0 || b.getUsed() + bytes <= b.getLimit();
    }

    /**
     * Reserves the version's bytes in the breaker before anything is read (the vectors are allocated by the read), then
     * trues the reservation up to what was read; every way out that keeps nothing (a refused or failed read, a load
     * that lost a race, a version older than both held) releases what it reserved.
     */
    private Held readAndKeep(String name, BankVersion wanted) {
        CircuitBreaker b = breaker;
        long reserved = estimatedBytes(wanted);
        if (b != null && !fits(b, reserved)) {
            String reason = "the [hubness] circuit breaker has no room for its " + reserved + " bytes (" + b.getUsed()
                    + " of " + b.getLimit()
                    + " bytes in use); raise plugins.hubness.breaker.limit or use a smaller bank";
            refuse(name, wanted, reason, RestStatus.TOO_MANY_REQUESTS, reserved, b.getLimit());
            throw new OpenSearchStatusException(
                    "this node cannot hold bank [" + name + "] version " + wanted.version() + ": " + reason,
                    RestStatus.TOO_MANY_REQUESTS);
        }
        if (b != null) reserve(b, name, wanted, reserved, 0);
        boolean kept = false;
        try {
            LOG.info("loading bank [{}] version [{}] from bank storage", name, wanted.version());
            LoadedBank loaded;
            try {
                loaded = reader.read(name, wanted);
            } catch (BankRefusedException e) {
                refuse(name, wanted, e.getMessage(), RestStatus.SERVICE_UNAVAILABLE, 0, -1);
                throw e;
            }
            synchronized (this) {
                Held raced = heldBuild(name, wanted);
                if (raced != null) return raced;
                long measured = loaded.ramBytesUsed();
                if (b != null && measured != reserved) {
                    reserve(b, name, wanted, measured - reserved, measured);
                    reserved = measured;
                }
                Held h = new Held(loaded, wanted.buildId());
                kept = keep(name, h);
                return h;
            }
        } finally {
            if (!kept && b != null) b.addWithoutBreaking(-reserved);
        }
    }

    /** Adds bytes to the breaker, or records a 429 refusal (the parent breaker may refuse too) and throws it. */
    private void reserve(CircuitBreaker b, String name, BankVersion wanted, long bytes, long total) {
        if (bytes <= 0) {
            b.addWithoutBreaking(bytes);
            return;
        }
        try {
            b.addEstimateBytesAndMaybeBreak(bytes, "hubness bank [" + name + "] version " + wanted.version());
        } catch (CircuitBreakingException e) {
            long needed = total > 0 ? total : bytes;
            refuse(
                    name,
                    wanted,
                    "the [hubness] circuit breaker refused its " + needed + " bytes: " + e.getMessage()
                            + "; raise plugins.hubness.breaker.limit or use a smaller bank",
                    RestStatus.TOO_MANY_REQUESTS,
                    needed,
                    b.getLimit());
            throw new OpenSearchStatusException(
                    "this node cannot hold bank [" + name + "] version " + wanted.version() + ": "
                            + refusals.get(name).reason(),
                    RestStatus.TOO_MANY_REQUESTS,
                    e);
        }
    }

    private void refuse(
            String name, BankVersion v, String reason, RestStatus status, long bytesNeeded, long limitThen) {
        LOG.warn("refusing bank [{}] version [{}]: {}", name, v.version(), reason);
        refusals.put(
                name,
                new Refusal(
                        v.version(), v.buildId(), reason, status, System.currentTimeMillis(), bytesNeeded, limitThen));
    }

    public Refusal refusal(String name) {
        return refusals.get(name);
    }

    /**
     * Forgets the refusals for blobs (missing, incomplete or forged: 503), not those for room: the bank index came back
     * (a snapshot restore), so the next load reads it again, and a forged blob is refused again by its checksum.
     * Returns the banks whose refusal went.
     */
    public Set<String> forgetBlobRefusals() {
        Set<String> forgotten = new TreeSet<>();
        refusals.forEach((name, r) -> {
            if (r.status() == RestStatus.SERVICE_UNAVAILABLE && refusals.remove(name, r)) forgotten.add(name);
        });
        return forgotten;
    }

    /**
     * Keeps a version whose bytes are already reserved: newer than the current one, it becomes current (the current
     * one becomes previous); else it becomes the previous one. Versions the cluster state no longer names go first, so
     * a bank deleted and created again under its name (whose numbers restart) never keeps the old lineage. False when
     * it is older than both held versions (it serves the request that read it, and its bytes go back).
     */
    private boolean keep(String name, Held h) {
        BankRecord record = records.apply(name);
        if (record != null) retain(name, record.liveBuildIds());
        Versions v = banks.get(name);
        long n = h.bank().version();
        if (v == null || v.current() == null) {
            banks.put(name, new Versions(h, null));
        } else if (v.current().bank().version() < n) {
            release(v.previous());
            banks.put(name, new Versions(h, v.current()));
        } else if (v.previous() == null || v.previous().bank().version() < n) {
            release(v.previous());
            banks.put(name, new Versions(v.current(), h));
        } else {
            return false; // older than both held versions: serve this request with it, keep nothing
        }
        refusals.remove(name);
        return true;
    }

    private Held heldBuild(String name, BankVersion wanted) {
        Versions v = banks.get(name);
        if (v == null) return null;
        if (v.current() != null && v.current().buildId().equals(wanted.buildId())) return v.current();
        if (v.previous() != null && v.previous().buildId().equals(wanted.buildId())) return v.previous();
        return null;
    }

    /** The given version if this node holds it and the cluster state still names it; never reads. */
    public LoadedBank held(String name, long version) {
        BankRecord record = records.apply(name);
        BankVersion v = record == null ? null : record.version(version);
        if (v == null) return null;
        Held h = heldBuild(name, v);
        return h == null ? null : h.bank();
    }

    /** Gives back the bytes of a version that falls out. */
    private void release(Held dropped) {
        CircuitBreaker b = breaker;
        if (b != null && dropped != null) b.addWithoutBreaking(-dropped.bank().ramBytesUsed());
    }

    /**
     * Drops versions the cluster state no longer names (a deleted bank, versions older than the previous one, or an
     * older lineage of a re-created bank); returns their numbers, whose cache entries must go too.
     */
    public synchronized List<Long> retain(String name, Set<String> liveBuildIds) {
        List<Long> dropped = new ArrayList<>();
        Versions v = banks.get(name);
        if (v == null) return dropped;
        Held current = v.current() != null && liveBuildIds.contains(v.current().buildId()) ? v.current() : null;
        Held previous =
                v.previous() != null && liveBuildIds.contains(v.previous().buildId()) ? v.previous() : null;
        for (Held gone : new Held[] {current == null ? v.current() : null, previous == null ? v.previous() : null}) {
            if (gone == null) continue;
            dropped.add(gone.bank().version());
            CircuitBreaker b = breaker;
            if (b != null) b.addWithoutBreaking(-gone.bank().ramBytesUsed());
        }
        if (current == null && previous == null) banks.remove(name);
        else if (current == null) banks.put(name, new Versions(previous, null));
        else banks.put(name, new Versions(current, previous));
        Refusal r = refusals.get(name);
        if (r != null && !liveBuildIds.contains(r.buildId())) refusals.remove(name);
        return dropped;
    }

    public synchronized void remove(String name) {
        retain(name, Set.of());
        refusals.remove(name);
    }

    public Set<String> names() {
        return Set.copyOf(banks.keySet());
    }

    /** Versions held per bank, for stats and for the cache's retention. */
    public List<Long> versionsOf(String name) {
        Versions v = banks.get(name);
        List<Long> out = new ArrayList<>();
        if (v != null && v.current() != null) out.add(v.current().bank().version());
        if (v != null && v.previous() != null) out.add(v.previous().bank().version());
        return out;
    }

    public Held currentHeld(String name) {
        Versions v = banks.get(name);
        return v == null ? null : v.current();
    }

    public long ramBytesUsed() {
        long total = 0;
        for (Versions v : banks.values()) {
            if (v.current() != null) total += v.current().bank().ramBytesUsed();
            if (v.previous() != null) total += v.previous().bank().ramBytesUsed();
        }
        return total;
    }
}
