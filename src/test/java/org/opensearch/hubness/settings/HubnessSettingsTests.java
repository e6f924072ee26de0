/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.settings;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.opensearch.common.settings.Settings;
import org.opensearch.monitor.jvm.JvmInfo;

/** Every setting refuses values outside its sense with a message naming it (issue 19). */
class HubnessSettingsTests {

    private static void refused(String key, String value, String fragment) {
        Settings s = Settings.builder().put(key, value).build();
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> HubnessSettings.all().stream()
                        .filter(x -> x.getKey().equals(key))
                        .findFirst()
                        .orElseThrow()
                        .get(s));
        String text =
                e.getMessage() + (e.getCause() == null ? "" : " " + e.getCause().getMessage());
        assertTrue(text.contains(key) && text.contains(fragment), text);
    }

    @Test
    void theBreakerLimitIsPositiveAndWithinTheHeap() {
        refused("plugins.hubness.breaker.limit", "-1", "cannot be turned off");
        refused("plugins.hubness.breaker.limit", "0b", "must be a size >= 1");
        refused("plugins.hubness.breaker.limit", "1tb", "exceeds this node's heap");
        long heap = JvmInfo.jvmInfo().getMem().getHeapMax().getBytes();
        assertTrue(HubnessSettings.BREAKER_LIMIT
                        .get(Settings.builder()
                                .put("plugins.hubness.breaker.limit", "10%")
                                .build())
                        .getBytes()
                <= heap / 10 + 1);
        assertTrue(HubnessSettings.BREAKER_LIMIT
                        .get(Settings.builder()
                                .put("plugins.hubness.breaker.limit", "1mb")
                                .build())
                        .getBytes()
                == 1 << 20);
    }

    @Test
    void theOtherSettingsHaveBounds() {
        refused("plugins.hubness.cache.max_size", "-1", ">= 0");
        refused("plugins.hubness.cache.max_size", "1tb", "exceeds");
        refused("plugins.hubness.build.rows_per_step", "0", ">= 1");
        refused("plugins.hubness.build.rows_per_step", "5000", "<= 4096");
        refused("plugins.hubness.build.report_queries", "-1", ">= 0");
        refused("plugins.hubness.bank.max_body_size", "1gb", "<= ");
        refused("plugins.hubness.bank_storage.allow_direct_writes", "maybe", "true or false");
    }

    @Test
    void aPoolQueueMustBeBounded() {
        for (String bad : new String[] {"-1", "0", "100001"}) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> HubnessSettings.checkPoolQueueSize(
                            Settings.builder()
                                    .put("plugins.hubness.thread_pool.build.queue_size", bad)
                                    .build(),
                            "plugins.hubness.thread_pool.build",
                            1000));
            assertTrue(e.getMessage().contains("plugins.hubness.thread_pool.build.queue_size"), e.getMessage());
        }
        HubnessSettings.checkPoolQueueSize(Settings.EMPTY, "plugins.hubness.thread_pool.build", 1000);
    }
}
