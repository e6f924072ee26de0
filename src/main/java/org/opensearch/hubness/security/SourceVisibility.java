/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.security;

import org.opensearch.OpenSearchStatusException;
import org.opensearch.action.search.SearchPhaseExecutionException;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.hubness.field.IndexFieldInspector;
import org.opensearch.hubness.field.VectorFieldSpec;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.transport.client.Client;

/**
 * A build reads its sources' vectors from Lucene as the plugin, so it may read a source only if the caller sees all of
 * it. The caller's mapping, settings and a count run as the caller, through the name they gave (the security plugin
 * applies their index permissions, document- and field-level security; a filtered alias applies its filter); the same
 * count then runs as the plugin on the concrete index. If the caller sees fewer documents with the vector field, the
 * build is refused (403): a bank holding vectors the caller may not see would hand them to every searcher of the
 * gallery. The counts are taken when the build starts; documents indexed while it runs are read without this check.
 * Blocking: call it from a generic thread, in the caller's thread context.
 */
public final class SourceVisibility {

    private final Client client;
    private final SystemIndexAccess asPlugin;

    public SourceVisibility(Client client, SystemIndexAccess asPlugin) {
        this.client = client;
        this.asPlugin = asPlugin;
    }

    /**
     * A source the caller sees whole: its field as the caller sees it, and its documents with the field, counted as the
     * plugin on the concrete index (at most what a build reads of it).
     */
    public record Whole(VectorFieldSpec spec, long documents) {}

    /** The field as the caller sees it and its documents, once the caller was shown to see every one of them. */
    public Whole requireWhole(String what, String name, String field) {
        VectorFieldSpec spec = inspectAsCaller(what, name, field);
        // the caller's count first: a document indexed between the two counts refuses the build rather than slips in
        long seenByCaller = count(name, field);
        long stored = asPlugin.call(() -> count(spec.index(), field));
        if (seenByCaller < stored) throw hidden(what, name, field);
        return new Whole(spec, stored);
    }

    /** Documents of {@code name} with {@code field}, counted as the plugin (what a build would read at most). */
    public long documentsWithField(String name, String field) {
        return asPlugin.call(() -> count(name, field));
    }

    /** The caller's mapping; a field that only the plugin sees is hidden from the caller by field-level security. */
    private VectorFieldSpec inspectAsCaller(String what, String name, String field) {
        try {
            return IndexFieldInspector.inspect(client, name, field);
        } catch (IllegalArgumentException notSeen) {
            boolean pluginSeesIt;
            try {
                asPlugin.call(() -> IndexFieldInspector.inspect(client, name, field));
                pluginSeesIt = true;
            } catch (RuntimeException also) {
                pluginSeesIt = false;
            }
            if (pluginSeesIt) throw hidden(what, name, field);
            throw notSeen;
        }
    }

    private long count(String index, String field) {
        try {
            return client.prepareSearch(index)
                    .setSize(0)
                    .setTrackTotalHits(true)
                    // a shard that failed would make the count smaller, not fail it: a count is whole or an error
                    .setAllowPartialSearchResults(false)
                    .setQuery(QueryBuilders.existsQuery(field))
                    .get()
                    .getHits()
                    .getTotalHits()
                    .value();
        } catch (SearchPhaseExecutionException e) {
            // its own message is empty when every shard failed; say which index and what to wait for
            throw new OpenSearchStatusException(
                    "cannot count the documents of [" + index + "] with [" + field + "]: "
                            + e.shardFailures().length + " shard(s) failed ("
                            + (e.shardFailures().length > 0 ? e.shardFailures()[0].reason() : e.getMessage())
                            + "); retry once every shard of ["
                            + index + "] has a started copy (GET _cluster/health/" + index + ")",
                    RestStatus.SERVICE_UNAVAILABLE,
                    e);
        }
    }

    private static OpenSearchStatusException hidden(String what, String name, String field) {
        return new OpenSearchStatusException(
                "[" + what + "]: you cannot see every document (or the vector field [" + field + "]) of [" + name
                        + "] — document-level or field-level security, or a filtered alias, hides part of it — and a bank "
                        + "built from it would reveal the hidden vectors to every searcher of the gallery; build from an "
                        + "index or alias you see whole",
                RestStatus.FORBIDDEN);
    }
}
