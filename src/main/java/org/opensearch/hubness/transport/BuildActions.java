/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.transport;

import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.opensearch.cluster.node.DiscoveryNode;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.tasks.TaskId;
import org.opensearch.hubness.bank.BankDefinition;
import org.opensearch.hubness.bank.state.BankFailure;
import org.opensearch.hubness.bank.state.BankVersion;
import org.opensearch.hubness.bank.state.BuildTrigger;
import org.opensearch.hubness.build.BuildCalls;
import org.opensearch.hubness.build.PassSpec;
import org.opensearch.hubness.build.ShardPassResult;
import org.opensearch.hubness.build.ShardRows;
import org.opensearch.hubness.node.NodeView;
import org.opensearch.hubness.security.SystemIndexAccess;
import org.opensearch.transport.client.Client;

/** A build's calls of this package's actions, each sent as the plugin. */
public final class BuildActions implements BuildCalls {

    private final Supplier<Client> client;
    private final SystemIndexAccess asPlugin;

    public BuildActions(Supplier<Client> client, SystemIndexAccess asPlugin) {
        this.client = client;
        this.asPlugin = asPlugin;
    }

    @Override
    public void start(
            String bank,
            BankDefinition stored,
            String buildId,
            DiscoveryNode node,
            BuildTrigger trigger,
            ActionListener<Started> listener) {
        StartBuild.Request request = new StartBuild.Request(bank, stored, buildId, node, trigger);
        asPlugin.<StartBuild.Response>callAsync(
                l -> client.get().execute(StartBuild.ACTION, request, l),
                ActionListener.map(listener, r -> new Started(r.ticket(), r.definition())));
    }

    @Override
    public void publish(String bank, String buildId, BankVersion version, ActionListener<Boolean> applied) {
        asPlugin.<EndBuild.Response>callAsync(
                l -> client.get().execute(EndBuild.ACTION, EndBuild.Request.published(bank, buildId, version), l),
                ActionListener.map(applied, EndBuild.Response::applied));
    }

    @Override
    public void fail(String bank, String buildId, BankFailure failure, boolean abandon, ActionListener<Void> recorded) {
        asPlugin.<EndBuild.Response>callAsync(
                l -> client.get().execute(EndBuild.ACTION, EndBuild.Request.failed(bank, buildId, failure, abandon), l),
                ActionListener.map(recorded, r -> null));
    }

    @Override
    public void whenSettled(String bank, String buildId, ActionListener<List<NodeView>> nodes) {
        asPlugin.<BankNodes.Response>callAsync(
                l -> client.get().execute(BankNodes.ACTION, BankNodes.Request.whenSettled(bank, buildId), l),
                ActionListener.map(nodes, BankNodes.Response::nodes));
    }

    @Override
    public void readVectors(
            String index,
            String field,
            int dimension,
            int limit,
            long seed,
            Set<Integer> shards,
            TaskId parent,
            ActionListener<ShardAnswers<ShardRows>> listener) {
        ReadBankVectors.Request request = new ReadBankVectors.Request(index, field, dimension, limit, seed, shards);
        request.setParentTask(parent);
        asPlugin.<ShardFanOut.Response<ShardRows>>callAsync(
                l -> client.get().execute(ReadBankVectors.ACTION, request, l), ActionListener.map(listener, r -> r));
    }

    @Override
    public void pass(
            PassSpec spec, Set<Integer> shards, TaskId parent, ActionListener<ShardAnswers<ShardPassResult>> listener) {
        ShardBuildPass.Request request = new ShardBuildPass.Request(spec, shards);
        request.setParentTask(parent);
        asPlugin.<ShardFanOut.Response<ShardPassResult>>callAsync(
                l -> client.get().execute(ShardBuildPass.ACTION, request, l), ActionListener.map(listener, r -> r));
    }

    @Override
    public void rebuild(String bank, ActionListener<Void> outcome) {
        asPlugin.<BankResponse>callAsync(
                l -> client.get().execute(RebuildBank.ACTION, new RebuildBank.Request(bank, false, false), l),
                ActionListener.map(outcome, r -> null));
    }
}
