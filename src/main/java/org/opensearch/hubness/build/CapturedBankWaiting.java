package org.opensearch.hubness.build;

import org.opensearch.OpenSearchStatusException;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.hubness.bank.CapturedSpec;

/** The 409 of a build whose bank has fewer captured query vectors than its {@code min_size}. */
final class CapturedBankWaiting {

    private CapturedBankWaiting() {}

    static OpenSearchStatusException refusal(String bank, long captured, CapturedSpec spec) {
        return new OpenSearchStatusException(
                "bank [" + bank + "] holds " + captured + " captured query vectors but needs " + spec.minSize()
                        + " ([query_bank.captured.min_size]) before it can build; searches that use the bank capture"
                        + " their query vector (rate " + spec.rate() + "): rebuild once enough were captured, or lower"
                        + " [min_size]",
                RestStatus.CONFLICT);
    }
}
