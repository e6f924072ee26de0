package org.opensearch.hubness.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.action.search.SearchPhaseExecutionException;
import org.opensearch.action.search.ShardSearchFailure;
import org.opensearch.cluster.node.DiscoveryNode;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.node.NodeClosedException;
import org.opensearch.transport.NodeNotConnectedException;

/** How a hubness search that failed as a whole reaches the client (docs/api.md, guarantees). */
class HubnessSearchFilterTests {

    /** What OpenSearch answered when node 3 stopped during a search's fetch phase: a 500. */
    @Test
    void aNodeThatLeftDuringTheSearchIsARetryable503() {
        Exception core = new SearchPhaseExecutionException(
                "fetch", "", new NodeNotConnectedException(null, "Node not connected"), ShardSearchFailure.EMPTY_ARRAY);
        assertEquals(RestStatus.INTERNAL_SERVER_ERROR, ((SearchPhaseExecutionException) core).status());
        Exception out = HubnessSearchFilter.retryableIfANodeLeft(core);
        assertEquals(RestStatus.SERVICE_UNAVAILABLE, ((OpenSearchStatusException) out).status());
        assertTrue(out.getMessage().contains("retry the search"), out.getMessage());
        assertSame(core, out.getCause());
    }

    @Test
    void aClosingNodeIsARetryable503Too() {
        Exception out = HubnessSearchFilter.retryableIfANodeLeft(new NodeClosedException((DiscoveryNode) null));
        assertEquals(RestStatus.SERVICE_UNAVAILABLE, ((OpenSearchStatusException) out).status());
    }

    @Test
    void anyOtherFailureKeepsItsStatus() {
        Exception bad = new IllegalArgumentException("[hubness] unknown method [foo]");
        assertSame(bad, HubnessSearchFilter.retryableIfANodeLeft(bad));
    }
}
