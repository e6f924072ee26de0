/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.security;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which actions the bank-storage guard looks at (BankStorageIT sends each on the cluster). */
class BankStorageGuardTests {

    @Test
    void writesAndChangingAdminActionsAreGuardedAtTheirEntryPoint() {
        for (String a : new String[] {
            "indices:data/write/index",
            "indices:data/write/bulk",
            "indices:data/write/delete/byquery",
            "indices:data/write/update/byquery",
            "indices:admin/delete",
            "indices:admin/close",
            "indices:admin/settings/update",
            "indices:admin/aliases",
            "indices:admin/mapping/put",
            "indices:admin/block/add",
            "indices:admin/create"
        }) assertTrue(BankStorageGuard.guarded(a), a);
        for (String a : new String[] {
            "indices:data/write/bulk[s]",
            "indices:data/write/bulk[s][r]",
            "indices:data/read/search",
            "indices:data/read/mget",
            "indices:admin/refresh",
            "indices:admin/mappings/get",
            "indices:admin/seq_no/retention_lease_background_sync",
            "indices:admin/mapping/auto_put",
            "cluster:admin/snapshot/restore",
            "indices:monitor/stats"
        }) assertFalse(BankStorageGuard.guarded(a), a);
    }
}
