package org.opensearch.hubness.rest;

import java.util.List;
import java.util.function.LongSupplier;
import org.opensearch.rest.RestHandler;

/** The admin REST API under /_plugins/_hubness: one handler per route, each calling one transport action. */
public final class HubnessRestHandlers {

    public static final String BASE = "/_plugins/_hubness";
    public static final String BANKS = BASE + "/banks";

    private HubnessRestHandlers() {}

    /** @param maxBodyBytes the bound on a PUT body (setting plugins.hubness.bank.max_body_size), read per request */
    public static List<RestHandler> all(LongSupplier maxBodyBytes) {
        return List.of(
                new RestPutBankHandler(maxBodyBytes),
                new RestGetBankHandler(),
                new RestBankHubsHandler(),
                new RestListBanksHandler(),
                new RestDeleteBankHandler(),
                new RestRebuildBankHandler(),
                new RestClearCacheHandler(),
                new RestStatsHandler());
    }
}
