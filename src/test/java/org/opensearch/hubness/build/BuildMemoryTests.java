/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opensearch.common.settings.ClusterSettings;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.common.breaker.CircuitBreaker;
import org.opensearch.core.common.breaker.CircuitBreakingException;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.hubness.bank.BankDefinition;
import org.opensearch.indices.breaker.HierarchyCircuitBreakerService;

/** Issue 19: the coordinator's reservation of a build's banks, against a real request breaker. */
class BuildMemoryTests {

    private static final int D = 8;

    /** query bank from an index of 30 documents (max_size 100), gallery bank a sample of 50 of a 1000-document gallery. */
    private static final BankDefinition DEF = BankDefinition.fromMap(
            "big",
            Map.of(
                    "gallery", Map.of("index", "gallery", "field", "v"),
                    "query_bank", Map.of("index", "captions", "field", "v", "max_size", 100),
                    "gallery_bank", Map.of("sample", Map.of("size", 50, "seed", 1))));

    private static long documents(String index, String field) {
        return index.equals("captions") ? 30 : 1000;
    }

    private static CircuitBreaker requestBreaker(String limit) {
        return new HierarchyCircuitBreakerService(
                        Settings.builder()
                                .put("indices.breaker.total.use_real_memory", false)
                                .put("indices.breaker.request.limit", limit)
                                .build(),
                        List.of(),
                        new ClusterSettings(Settings.EMPTY, ClusterSettings.BUILT_IN_CLUSTER_SETTINGS))
                .getBreaker(CircuitBreaker.REQUEST);
    }

    @Test
    void theRowsAreTheSmallerOfTheLimitAndTheDocumentsAndCloseGivesThemBackOnce() {
        CircuitBreaker breaker = requestBreaker("1mb");
        BuildMemory memory = BuildMemory.reserve(breaker, DEF, D, BuildMemoryTests::documents);
        assertEquals(4L * (30 + 50) * D, memory.bytes());
        assertEquals(memory.bytes(), breaker.getUsed());
        memory.close();
        memory.close();
        assertEquals(0, breaker.getUsed());
    }

    @Test
    void aBankBeyondTheBreakerIsA429NamingTheBankTheBytesAndTheSetting() {
        CircuitBreaker breaker = requestBreaker("1000b");
        CircuitBreakingException e = assertThrows(
                CircuitBreakingException.class,
                () -> BuildMemory.reserve(breaker, DEF, D, BuildMemoryTests::documents));
        assertEquals(RestStatus.TOO_MANY_REQUESTS, e.status());
        assertTrue(e.getMessage().contains("bank [big]"), e.getMessage());
        assertTrue(e.getMessage().contains((4L * 80 * D) + " bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("indices.breaker.request.limit"), e.getMessage());
        assertEquals(0, breaker.getUsed(), "a refusal reserves nothing");
    }
}
