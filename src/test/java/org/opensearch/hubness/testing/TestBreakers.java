package org.opensearch.hubness.testing;

import java.util.List;
import org.opensearch.common.settings.ClusterSettings;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.common.breaker.CircuitBreaker;
import org.opensearch.indices.breaker.BreakerSettings;
import org.opensearch.indices.breaker.HierarchyCircuitBreakerService;

/** Real OpenSearch circuit breakers for unit tests (the node's breaker service, without the real-memory parent check). */
public final class TestBreakers {

    private TestBreakers() {}

    /** The plugin's "hubness" memory breaker with the given limit in bytes. */
    public static CircuitBreaker hubness(long limit) {
        BreakerSettings settings = new BreakerSettings(
                "hubness", limit, 1.0, CircuitBreaker.Type.MEMORY, CircuitBreaker.Durability.TRANSIENT);
        return new HierarchyCircuitBreakerService(
                        Settings.builder()
                                .put("indices.breaker.total.use_real_memory", false)
                                .build(),
                        List.of(settings),
                        new ClusterSettings(Settings.EMPTY, ClusterSettings.BUILT_IN_CLUSTER_SETTINGS))
                .getBreaker("hubness");
    }
}
