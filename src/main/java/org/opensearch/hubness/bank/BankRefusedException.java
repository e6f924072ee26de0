/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.bank;

import org.opensearch.OpenSearchStatusException;
import org.opensearch.core.rest.RestStatus;

/** A version a node will not serve, and why (missing, incomplete or forged blobs). Retryable: 503. */
public final class BankRefusedException extends OpenSearchStatusException {
    public BankRefusedException(String message) {
        super(message, RestStatus.SERVICE_UNAVAILABLE);
    }
}
