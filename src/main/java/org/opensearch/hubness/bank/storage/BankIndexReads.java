package org.opensearch.hubness.bank.storage;

import java.util.function.Function;
import java.util.function.Supplier;
import org.opensearch.action.get.GetResponse;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.hubness.security.SystemIndexAccess;
import org.opensearch.index.IndexNotFoundException;
import org.opensearch.search.SearchHit;
import org.opensearch.search.builder.SearchSourceBuilder;
import org.opensearch.transport.client.Client;

/**
 * Reads of {@code .hubness-banks} as the plugin (see SystemIndexAccess), where an index that does not exist holds
 * nothing: it is created only by the first write. Blocking, like every access to the index.
 */
final class BankIndexReads {

    private final Supplier<Client> client;
    private final SystemIndexAccess access;

    BankIndexReads(Supplier<Client> client, SystemIndexAccess access) {
        this.client = client;
        this.access = access;
    }

    /** What {@code read} takes from the search's response, or {@code absent} when the index does not exist. */
    <T> T search(SearchSourceBuilder source, Function<SearchResponse, T> read, T absent) {
        return access.call(() -> {
            try {
                return read.apply(client.get()
                        .prepareSearch(BankBlobs.NAME)
                        .setSource(source)
                        .get());
            } catch (IndexNotFoundException e) {
                return absent;
            }
        });
    }

    /** The search's hits; none when the index does not exist. */
    SearchHit[] hits(SearchSourceBuilder source) {
        return search(source, r -> r.getHits().getHits(), new SearchHit[0]);
    }

    /** The source of a document, or null when it (or the index) does not exist. */
    BytesReference source(String id) {
        return access.call(() -> {
            try {
                GetResponse r = client.get()
                        .prepareGet(BankBlobs.NAME, id)
                        .setRealtime(true)
                        .get();
                return r.isExists() ? r.getSourceAsBytesRef() : null;
            } catch (IndexNotFoundException e) {
                return null;
            }
        });
    }
}
