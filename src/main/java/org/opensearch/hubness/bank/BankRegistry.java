package org.opensearch.hubness.bank;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.core.common.breaker.CircuitBreaker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The banks a node holds in memory. Per bank: the serving version and the one before it, so requests that pinned the
 * previous version while a rebuild switched still find it on every shard. A version a shard asks for and this node
 * lacks (it restarted or joined since) is loaded from the bank index on the spot.
 */
public final class BankRegistry implements BankLookup {

    private static final Logger LOG = LogManager.getLogger(BankRegistry.class);

    private record Versions(LoadedBank current, LoadedBank previous) {}

    private final Map<String, Versions> banks = new ConcurrentHashMap<>();
    private final BankIndex index;
    private volatile CircuitBreaker breaker;

    public BankRegistry(BankIndex index) {
        this.index = index;
    }

    public void setBreaker(CircuitBreaker breaker) {
        this.breaker = breaker;
    }

    @Override
    public LoadedBank current(String name) {
        Versions v = banks.get(name);
        return v == null ? null : v.current();
    }

    @Override
    public LoadedBank version(String name, long version) {
        LoadedBank held = held(name, version);
        if (held != null) return held;
        LOG.info("bank [{}] version [{}] is not held on this node; loading it from [{}]", name, version, BankIndex.NAME);
        LoadedBank loaded = index.readVersion(name, version);
        if (loaded == null) return null;
        synchronized (this) {
            LoadedBank raced = held(name, version);
            if (raced != null) return raced;
            Versions v = banks.get(name);
            if (v == null || v.current() == null || v.current().version() < version) {
                install(loaded);
            } else if (v.previous() == null || v.previous().version() < version) {
                account(loaded, v.previous());
                banks.put(name, new Versions(v.current(), loaded));
            }
            // older than both held versions: serve this request with it, keep nothing
            return loaded;
        }
    }

    private LoadedBank held(String name, long version) {
        Versions v = banks.get(name);
        if (v == null) return null;
        if (v.current() != null && v.current().version() == version) return v.current();
        if (v.previous() != null && v.previous().version() == version) return v.previous();
        return null;
    }

    /** Makes a freshly built or loaded version the serving one; the old serving version is kept as previous. */
    public synchronized void install(LoadedBank bank) {
        Versions old = banks.get(bank.name());
        if (old != null && old.current() != null && old.current().version() == bank.version()) return;
        if (old != null && old.current() != null && old.current().version() > bank.version()) return; // a newer one won
        account(bank, old == null ? null : old.previous());
        banks.put(bank.name(), new Versions(bank, old == null ? null : old.current()));
    }

    /** Reserves the new version's bytes and releases the version that falls out. */
    private void account(LoadedBank added, LoadedBank dropped) {
        CircuitBreaker b = breaker;
        if (b == null) return;
        b.addEstimateBytesAndMaybeBreak(added.ramBytesUsed(), "hubness bank [" + added.name() + "] version " + added.version());
        if (dropped != null) b.addWithoutBreaking(-dropped.ramBytesUsed());
    }

    public synchronized void remove(String name) {
        Versions old = banks.remove(name);
        CircuitBreaker b = breaker;
        if (old == null || b == null) return;
        if (old.current() != null) b.addWithoutBreaking(-old.current().ramBytesUsed());
        if (old.previous() != null) b.addWithoutBreaking(-old.previous().ramBytesUsed());
    }

    public Set<String> names() {
        return Set.copyOf(banks.keySet());
    }

    /** Versions held per bank, for stats and for the cache's retention. */
    public List<Long> versionsOf(String name) {
        Versions v = banks.get(name);
        List<Long> out = new ArrayList<>();
        if (v != null && v.current() != null) out.add(v.current().version());
        if (v != null && v.previous() != null) out.add(v.previous().version());
        return out;
    }

    public long ramBytesUsed() {
        long total = 0;
        for (Versions v : banks.values()) {
            if (v.current() != null) total += v.current().ramBytesUsed();
            if (v.previous() != null) total += v.previous().ramBytesUsed();
        }
        return total;
    }
}
