/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.rest;

import static org.opensearch.rest.RestRequest.Method.GET;

import java.util.List;
import org.opensearch.hubness.bank.BankHubs;
import org.opensearch.hubness.transport.GetBank;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.RestRequest;
import org.opensearch.rest.action.RestToXContentListener;
import org.opensearch.transport.client.node.NodeClient;

/**
 * GET /_plugins/_hubness/banks/{name}/_hubs?size=N: the serving version's hubs per bank. Answered by the GET action,
 * so it needs the permission GET of the bank needs.
 */
final class RestBankHubsHandler extends BaseRestHandler {

    static final int DEFAULT_SIZE = 10;

    @Override
    public String getName() {
        return "hubness_bank_hubs";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(GET, HubnessRestHandlers.BANKS + "/{name}/_hubs"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        GetBank.Request get = new GetBank.Request(request.param("name"), size(request.param("size")));
        return channel -> client.execute(GetBank.ACTION, get, new RestToXContentListener<>(channel));
    }

    private static int size(String value) {
        if (value == null) return DEFAULT_SIZE;
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "[size] must be an integer from 0 to " + BankHubs.MAX_STORED + ", got [" + value + "]");
        }
    }
}
