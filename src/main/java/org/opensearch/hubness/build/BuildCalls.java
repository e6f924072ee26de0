/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.build;

import java.util.List;
import java.util.Set;
import org.opensearch.cluster.node.DiscoveryNode;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.action.support.DefaultShardOperationFailedException;
import org.opensearch.core.tasks.TaskId;
import org.opensearch.hubness.bank.BankDefinition;
import org.opensearch.hubness.bank.state.BankFailure;
import org.opensearch.hubness.bank.state.BankVersion;
import org.opensearch.hubness.bank.state.BuildTicket;
import org.opensearch.hubness.bank.state.BuildTrigger;
import org.opensearch.hubness.node.NodeView;

/**
 * The cluster actions a build calls, each sent as the plugin (no user role needs the internal actions). transport/
 * answers them with its actions ({@code BuildActions}): the actions call into the build, and the build names none of
 * their types.
 */
public interface BuildCalls {

    /** What the cluster manager recorded for a started build: its ticket, and the bank's stored definition. */
    record Started(BuildTicket ticket, BankDefinition definition) {}

    /** Every answering shard copy's result, and every failed copy. */
    interface ShardAnswers<T> {
        List<T> results();

        DefaultShardOperationFailedException[] getShardFailures();
    }

    /**
     * Records the start of a build with the cluster manager: a PUT's with its {@code stored} definition, a rebuild's
     * with null; {@code trigger} says who started it.
     */
    void start(
            String bank,
            BankDefinition stored,
            String buildId,
            DiscoveryNode node,
            BuildTrigger trigger,
            ActionListener<Started> listener);

    /** Asks the cluster manager to publish the version; answers whether it did (false: this build was overtaken). */
    void publish(String bank, String buildId, BankVersion version, ActionListener<Boolean> applied);

    /** Records the build as failed (or, with {@code abandon}, drops a first build's bank). */
    void fail(String bank, String buildId, BankFailure failure, boolean abandon, ActionListener<Void> recorded);

    /** Every node's view of the bank, once each holds or refused the build's version. */
    void whenSettled(String bank, String buildId, ActionListener<List<NodeView>> nodes);

    /** Reads up to {@code limit} rows of a bank from {@code shards} of its index, as a child of {@code parent}. */
    void readVectors(
            String index,
            String field,
            int dimension,
            int limit,
            long seed,
            Set<Integer> shards,
            TaskId parent,
            ActionListener<ShardAnswers<ShardRows>> listener);

    /** Runs the gallery pass on every started copy of {@code shards}, as a child of {@code parent}. */
    void pass(
            PassSpec spec, Set<Integer> shards, TaskId parent, ActionListener<ShardAnswers<ShardPassResult>> listener);

    /** The ordinary {@code _rebuild} of a bank, in the foreground; answers once it ended. */
    void rebuild(String bank, ActionListener<Void> outcome);
}
