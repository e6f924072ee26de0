package org.opensearch.hubness.bank;

/** How the rescorer finds banks on the node it runs on. */
public interface BankLookup {

    /** The version that serves new requests, or null when this node knows no bank of that name. */
    LoadedBank current(String name);

    /**
     * The given version, which a coordinating node pinned for one request. Null when the version is not held on this
     * node (it was replaced long ago, or the bank was deleted).
     */
    LoadedBank version(String name, long version);
}
