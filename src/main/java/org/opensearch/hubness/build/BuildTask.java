/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.build;

import java.util.Map;
import org.opensearch.core.tasks.TaskId;
import org.opensearch.tasks.CancellableTask;

/**
 * The task of a build (PUT, _rebuild) and of its shard passes: {@code _tasks/_cancel} (or a DELETE of the bank, which
 * cancels it) cancels the build and bans its shard passes on every node; each pass asks {@link #isCancelled} between
 * chunks and stops.
 */
public final class BuildTask extends CancellableTask {

    public BuildTask(
            long id, String type, String action, String description, TaskId parent, Map<String, String> headers) {
        super(id, type, action, description, parent, headers);
    }

    @Override
    public boolean shouldCancelChildrenOnCancellation() {
        return true;
    }
}
