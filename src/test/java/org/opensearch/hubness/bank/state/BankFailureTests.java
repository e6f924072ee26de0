package org.opensearch.hubness.bank.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.opensearch.transport.RemoteTransportException;

/** A failed build records what went wrong, not the transport's wrapper around it. */
class BankFailureTests {

    @Test
    void theRootCauseIsKeptNotTheWrapper() {
        Exception remote = new RemoteTransportException(
                "[node-2][cluster:admin/hubness/internal/shard_build]",
                new IllegalArgumentException("[query_bank.vectors[0]] has 3 dimensions, but gallery field [v] has 4"));
        BankFailure f = BankFailure.of(2, remote, 42);
        assertEquals("IllegalArgumentException", f.type());
        assertEquals("[query_bank.vectors[0]] has 3 dimensions, but gallery field [v] has 4", f.reason());
        assertEquals(2, f.version());
        assertEquals(42, f.atMillis());
    }

    @Test
    void anUnwrappedFailureIsKeptAsItIs() {
        BankFailure f = BankFailure.of(1, new IllegalStateException("boom"), 7);
        assertEquals("IllegalStateException", f.type());
        assertEquals("boom", f.reason());
    }
}
