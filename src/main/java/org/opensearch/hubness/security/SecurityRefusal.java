package org.opensearch.hubness.security;

import org.opensearch.ExceptionsHelper;
import org.opensearch.core.rest.RestStatus;

/**
 * A refusal by the security layer (403, 401) of something the plugin did as the user, e.g. a gated method's top-1
 * search of the gallery: it is passed through as it is, so the caller gets the security plugin's own answer, which
 * names no bank detail, instead of a 400 that would describe the bank.
 */
public final class SecurityRefusal {

    private SecurityRefusal() {}

    public static boolean isRefusal(Exception e) {
        RestStatus status = ExceptionsHelper.status(e);
        return status == RestStatus.FORBIDDEN || status == RestStatus.UNAUTHORIZED;
    }
}
