/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.opensearch.Version;
import org.opensearch.action.IndicesRequest;
import org.opensearch.action.support.broadcast.BroadcastResponse;
import org.opensearch.cluster.node.DiscoveryNode;
import org.opensearch.cluster.routing.ShardRoutingState;
import org.opensearch.cluster.routing.TestShardRouting;
import org.opensearch.common.io.stream.BytesStreamOutput;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.action.support.DefaultShardOperationFailedException;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.common.transport.TransportAddress;
import org.opensearch.core.index.shard.ShardId;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.hubness.bank.BankDefinition;
import org.opensearch.hubness.bank.BankHubs;
import org.opensearch.hubness.bank.CapturedSpec;
import org.opensearch.hubness.bank.PostedBlob;
import org.opensearch.hubness.bank.RebuildPolicy;
import org.opensearch.hubness.bank.VectorSource;
import org.opensearch.hubness.bank.state.BankFailure;
import org.opensearch.hubness.bank.state.BankRecord;
import org.opensearch.hubness.bank.state.BankState;
import org.opensearch.hubness.bank.state.BankVersion;
import org.opensearch.hubness.bank.state.BuildReport;
import org.opensearch.hubness.bank.state.BuildTicket;
import org.opensearch.hubness.bank.state.BuildTrigger;
import org.opensearch.hubness.bank.state.HubnessMetadata;
import org.opensearch.hubness.bank.state.PolicyCheck;
import org.opensearch.hubness.build.PassSpec;
import org.opensearch.hubness.build.ShardPassResult;
import org.opensearch.hubness.build.ShardRows;
import org.opensearch.hubness.build.ShardSample;
import org.opensearch.hubness.capture.CaptureStats;
import org.opensearch.hubness.node.BankSync;
import org.opensearch.hubness.node.NodeBanks;
import org.opensearch.hubness.node.NodeStats;
import org.opensearch.hubness.node.NodeView;
import org.opensearch.hubness.norm.Method;
import org.opensearch.hubness.norm.NormParams;
import org.opensearch.hubness.norm.Similarity;

/**
 * Every value, state record, request and response the plugin sends survives the wire: each is built with a value
 * other than its default in every field (a field a {@code writeTo} forgets — as [hub_k] once was — then reads back as
 * its default and fails here), written, read with its own reader, and compared field by field, arrays by content.
 * Fields that are local by design (never sent) are named per case; the test also fails when an instance leaves a
 * field at its default, so that a new field cannot slip past it unset.
 */
class WireRoundTripTests {

    private static final NormParams PARAMS = new NormParams(3.5, 7.25, 12, 13, 14, 0.75, 17);
    private static final PostedBlob POSTED = new PostedBlob("blob-1", 3, 4, "sha-posted");
    private static final VectorSource SOURCE = new VectorSource(
            VectorSource.Kind.SAMPLE,
            "query-index",
            "query-field",
            77,
            null,
            POSTED,
            33,
            99L,
            new CapturedSpec(0.25, 77, 5));
    private static final VectorSource OTHER_SOURCE = new VectorSource(
            VectorSource.Kind.INDEX,
            "other-index",
            "other-field",
            78,
            null,
            POSTED,
            34,
            -5L,
            new CapturedSpec(0.5, 78, 6));
    private static final BankDefinition DEFINITION = new BankDefinition(
            "bank-a",
            "gallery",
            "embedding",
            SOURCE,
            OTHER_SOURCE,
            PARAMS,
            Similarity.L2,
            "a description",
            new RebuildPolicy(TimeValue.timeValueMinutes(15), 1000L, 0.25));
    private static final BuildReport.MethodStats STATS = new BuildReport.MethodStats(1.5, 0.25, 0.125, 9);
    private static final BuildReport.Hubness HUBNESS = new BuildReport.Hubness(
            7, 500, 4000L, Map.of(Method.IS, STATS, Method.DUAL_DIS, new BuildReport.MethodStats(-0.5, 0.5, 0.75, 4)));
    private static final BuildReport REPORT = new BuildReport(
            5,
            96,
            Similarity.DOT,
            "faiss",
            4000,
            500,
            300,
            420,
            299,
            3,
            668,
            6.9,
            1_796_551_418_086L,
            501L,
            4001L,
            HUBNESS,
            BuildTrigger.POLICY,
            9_876_543_210L,
            17);
    private static final BankVersion VERSION = new BankVersion(5, "build-5", "sha-5", 96, 500, 300, REPORT);
    private static final BankVersion PREVIOUS = new BankVersion(4, "build-4", "sha-4", 96, 499, 299, REPORT);
    private static final BuildTicket TICKET =
            new BuildTicket(6, "build-6", "node-id", "ephemeral-id", 1234L, BuildTrigger.POLICY);
    private static final BankFailure FAILURE = new BankFailure(6, "TaskCancelledException", "was cancelled", 4321L);
    private static final PolicyCheck CHECK = new PolicyCheck(
            1_796_551_419_000L, 5, 1200L, 1000, 0.2, 300L, PolicyCheck.Outcome.REBUILD_NOT_STARTED, 6L, "a build runs");
    private static final BankRecord RECORD =
            new BankRecord("bank-a", DEFINITION, BankState.FAILED, VERSION, PREVIOUS, TICKET, FAILURE, 6, CHECK);
    private static final PassSpec SPEC = new PassSpec(
            "bank-a", 6, "build-6", "gallery", "embedding", 96, Similarity.COSINE, PARAMS, 50, 7, 500, 300, "digest");
    private static final ShardId SHARD = new ShardId("gallery", "index-uuid", 2);
    private static final ShardRows ROWS = new ShardRows(
            SHARD,
            List.of(
                    new ShardSample.Row(11L, "doc-1", new float[] {1.5f, -2f}),
                    new ShardSample.Row(-12L, "doc-2", new float[] {0.25f, 3f})));
    private static final ShardPassResult PASS_RESULT =
            new ShardPassResult(SHARD, true, new byte[] {1, 2, 3}, Map.of(1L, "doc-1", -2L, "doc-2"));
    private static final NodeView NODE_VIEW = new NodeView(
            "node-id",
            "node-2",
            5L,
            new NodeBanks.Refused(6, "no room in the hubness breaker", RestStatus.TOO_MANY_REQUESTS),
            new BankSync.Retry(6, 3, "unreadable", 0),
            "did not answer");
    private static final SourceCounts COUNTS = new SourceCounts("query_bank", "query-index", "query-field", 500L, 510L);
    private static final HubsView HUBS = new HubsView(
            "gallery", 10, 4000, 1.75, List.of(new BankHubs.Hub("doc-1", 9), new BankHubs.Hub("doc-2", 8)));
    private static final DefaultShardOperationFailedException SHARD_FAILURE =
            new DefaultShardOperationFailedException("gallery", 1, new IllegalStateException("copy closed"));
    private static final BankNodes.Target TARGET =
            new BankNodes.Target("bank-a", "build-6", TimeValue.timeValueSeconds(7));

    /**
     * One case: the instance, how it is read back, and its fields ("Class.field") that are local by design (never
     * sent) or that the instance cannot set (a record of a build has no previous version yet).
     */
    private record Case(String name, Writeable sent, Writeable.Reader<?> reader, Set<String> local) {}

    private static Case wire(String name, Writeable sent, Writeable.Reader<?> reader, String... local) {
        return new Case(name, sent, reader, Set.of(local));
    }

    private static List<Case> cases() throws Exception {
        DiscoveryNode node = new DiscoveryNode(
                "node-7",
                "node-id-7",
                new TransportAddress(InetAddress.getLoopbackAddress(), 9300),
                Map.of(),
                Set.of(),
                Version.CURRENT);
        return List.of(
                wire("PostedBlob", POSTED, PostedBlob::new),
                // posted vectors travel as their blob reference, never inline
                wire("VectorSource", SOURCE, VectorSource::new, "VectorSource.vectors"),
                wire("BankDefinition", DEFINITION, BankDefinition::new, "VectorSource.vectors"),
                wire("BuildReport", REPORT, BuildReport::new),
                wire("BankVersion", VERSION, BankVersion::new),
                wire("BuildTicket", TICKET, BuildTicket::new),
                wire("BankFailure", FAILURE, BankFailure::new),
                wire("BankRecord", RECORD, BankRecord::new, "VectorSource.vectors"),
                wire(
                        "HubnessMetadata",
                        new HubnessMetadata(Map.of(
                                "bank-a",
                                RECORD,
                                "bank-b",
                                new BankRecord(
                                        "bank-b",
                                        DEFINITION,
                                        BankState.BUILDING,
                                        VERSION,
                                        null,
                                        TICKET,
                                        FAILURE,
                                        7,
                                        CHECK))),
                        HubnessMetadata::new,
                        "VectorSource.vectors",
                        "BankRecord.previous"),
                wire("PassSpec", SPEC, PassSpec::new),
                wire("ShardRows", ROWS, ShardRows::new),
                wire("ShardPassResult", PASS_RESULT, ShardPassResult::new),
                // when a node last failed to read is its own clock's business
                wire("NodeView", NODE_VIEW, NodeView::new, "Retry.atMillis"),
                wire(
                        "NodeStats",
                        new NodeStats(
                                "panama",
                                List.of(new NodeStats.Bank(
                                        "bank-a", 5, List.of(4L, 5L), 500, 300, 1000L, 2000L, 6L, "no room")),
                                123L,
                                new NodeStats.Cache(3, 100, 1000, 7, 8, 9, 10),
                                new NodeStats.Rescore(11, 12, 13, 1.5, 0.5, 1.0),
                                new NodeStats.Policy(14, 15, 16, 17),
                                new CaptureStats(18, 19, 20, 21, 22)),
                        NodeStats::new),
                wire("SourceCounts", COUNTS, SourceCounts::new),
                wire("HubsView", HUBS, HubsView::new),
                wire("BankNodes.Target", TARGET, BankNodes.Target::new),
                wire("BankNodes.Request", make(BankNodes.Request.class, TARGET), BankNodes.Request::new),
                wire(
                        "BankNodes.Response",
                        new BankNodes.Response(List.of(NODE_VIEW)),
                        BankNodes.Response::new,
                        "Retry.atMillis"),
                wire("BankNodes.NodeRequest", new BankNodes.NodeRequest(TARGET), BankNodes.NodeRequest::new),
                wire(
                        "BankNodes.NodeAnswer",
                        new BankNodes.NodeAnswer(NODE_VIEW),
                        BankNodes.NodeAnswer::new,
                        "Retry.atMillis"),
                wire(
                        "BankResponse",
                        make(
                                BankResponse.class,
                                List.of(RECORD),
                                true,
                                List.of(NODE_VIEW),
                                "bank-a",
                                List.of(COUNTS),
                                List.of(HUBS),
                                new BankResponse.NotLoaded(RestStatus.TOO_MANY_REQUESTS, List.of("node-2"), "no room")),
                        BankResponse::new,
                        "VectorSource.vectors",
                        "Retry.atMillis"),
                wire("ClearCache.Scope", new ClearCache.Scope("bank-a"), ClearCache.Scope::new),
                wire("ClearCache.Dropped", new ClearCache.Dropped(5), ClearCache.Dropped::new),
                wire("DeleteBank.Request", new DeleteBank.Request("bank-a"), DeleteBank.Request::new),
                wire("DeleteBank.Response", new DeleteBank.Response(true, "bank-a"), DeleteBank.Response::new),
                wire(
                        "EndBuild.Request",
                        make(EndBuild.Request.class, "bank-a", "build-6", EndBuild.Outcome.ABANDONED, VERSION, FAILURE),
                        EndBuild.Request::new),
                wire("EndBuild.Response", new EndBuild.Response(true), EndBuild.Response::new),
                wire(
                        "RecordPolicyCheck.Request",
                        new RecordPolicyCheck.Request("bank-a", CHECK),
                        RecordPolicyCheck.Request::new),
                wire("GetBank.Request", new GetBank.Request("bank-a", 7), GetBank.Request::new),
                wire(
                        "PutBank.Request",
                        new PutBank.Request("bank-a", new BytesArray("{\"gallery\": {}}"), XContentType.JSON, true),
                        PutBank.Request::new),
                wire(
                        "RebuildBank.Request",
                        new RebuildBank.Request("bank-a", true, true, BuildTrigger.POLICY),
                        RebuildBank.Request::new),
                wire(
                        "ReadBankVectors.Request",
                        new ReadBankVectors.Request("gallery", "embedding", 96, 50, 7L, Set.of(0, 2)),
                        ReadBankVectors.Request::new,
                        "ShardCopies.allCopies"), // a bank read asks one copy per shard; the pass's request sends true
                wire(
                        "ShardFanOut.Response",
                        new ShardFanOut.Response<>(3, 2, 1, List.of(ROWS), List.of(SHARD_FAILURE)),
                        in -> new ShardFanOut.Response<>(in, ShardRows::new)),
                wire(
                        "ShardBuildPass.Request",
                        new ShardBuildPass.Request(SPEC, Set.of(1, 2)),
                        ShardBuildPass.Request::new),
                wire(
                        "ShardBuildPass.NodeRequest",
                        new ShardBuildPass.NodeRequest(
                                SPEC,
                                List.of(TestShardRouting.newShardRouting(
                                        SHARD, "node-id", true, ShardRoutingState.STARTED))),
                        ShardBuildPass.NodeRequest::new),
                wire(
                        "ShardBuildPass.NodeResponse",
                        new ShardBuildPass.NodeResponse(List.of(PASS_RESULT), List.of(SHARD_FAILURE)),
                        ShardBuildPass.NodeResponse::new),
                wire(
                        "StartBuild.Request",
                        new StartBuild.Request("bank-a", DEFINITION, "build-6", node, BuildTrigger.POLICY),
                        StartBuild.Request::new,
                        "VectorSource.vectors"),
                wire(
                        "StartBuild.Response",
                        new StartBuild.Response(TICKET, DEFINITION),
                        StartBuild.Response::new,
                        "VectorSource.vectors"));
    }

    @TestFactory
    Stream<DynamicTest> everyFieldSurvivesTheWire() throws Exception {
        return cases().stream()
                .map(c -> DynamicTest.dynamicTest(c.name(), () -> {
                    List<String> unset = new ArrayList<>();
                    findDefaults(c.name(), c.sent(), c.local(), unset);
                    assertEquals(List.of(), unset, "the case must set every field to a value other than its default");
                    BytesStreamOutput out = new BytesStreamOutput();
                    c.sent().writeTo(out);
                    Object received;
                    try (StreamInput in = out.bytes().streamInput()) {
                        received = c.reader().read(in);
                        assertEquals(0, in.available(), c.name() + " read back less than it wrote");
                    }
                    List<String> diffs = new ArrayList<>();
                    compare(c.name(), c.sent(), received, c.local(), diffs);
                    assertEquals(List.of(), diffs, "fields that did not survive the wire");
                }));
    }

    /**
     * Every class of the plugin that writes itself to the wire has a case here (directly or as a field of one), or is
     * named with the test that round-trips it.
     */
    @Test
    void everyWireClassHasACase() throws Exception {
        Set<Class<?>> covered = new HashSet<>();
        for (Case c : cases()) collectClasses(c.sent(), covered);
        Set<String> elsewhere = Set.of(
                "HubnessSearchExt", // HubnessSearchExtTests
                "RescoreClause", // HubnessRescorerBuilderTests
                "HubnessRescorerBuilder", // HubnessRescorerBuilderTests, with its Pinned version
                "HubnessRescorerBuilder$Pinned",
                "NodesFanOut$NoPayload", // NodesFanOutTests, with every NodesFanOut class
                "NodesFanOut$Request",
                "NodesFanOut$NodeRequest",
                "NodesFanOut$NodeResponse",
                "NodesFanOut$Response",
                "ClearCache$Request",
                "HubnessStats$Request");
        List<String> missing = new ArrayList<>();
        Path root = Path.of("target", "classes");
        int scanned = 0;
        try (Stream<Path> files = Files.walk(root.resolve("org/opensearch/hubness"))) {
            // kernel/ (the SIMD kernels, no wire class) needs the incubator module to be loaded; the scalar run lacks
            // it
            for (Path f : files.filter(p ->
                            p.toString().endsWith(".class") && !p.toString().contains("/kernel/"))
                    .toList()) {
                String name = root.relativize(f).toString().replace('/', '.').replace(".class", "");
                Class<?> type = Class.forName(name, false, getClass().getClassLoader());
                if (type.isEnum() || type.isInterface() || Modifier.isAbstract(type.getModifiers())) continue;
                boolean writes = false;
                for (java.lang.reflect.Method m : type.getDeclaredMethods())
                    writes |= m.getName().equals("writeTo")
                            && m.getParameterCount() == 1
                            && m.getParameterTypes()[0] == StreamOutput.class;
                if (!writes) continue;
                scanned++;
                String simple = name.substring(name.lastIndexOf('.') + 1);
                if (!covered.contains(type) && !elsewhere.contains(simple)) missing.add(simple);
            }
        }
        assertTrue(scanned > 30, "found only " + scanned + " wire classes under " + root.toAbsolutePath());
        assertEquals(List.of(), missing, "wire classes without a round-trip case");
    }

    private static void collectClasses(Object o, Set<Class<?>> into) throws Exception {
        if (o instanceof Collection<?> c) {
            for (Object e : c) collectClasses(e, into);
            return;
        }
        if (o instanceof Map<?, ?> m) {
            for (Object e : m.values()) collectClasses(e, into);
            return;
        }
        if (o == null || !isPlugin(o) || !into.add(o.getClass())) return;
        for (Field f : fields(o.getClass())) collectClasses(f.get(o), into);
    }

    /** Builds an instance through a constructor the class keeps private (a factory would leave fields unset). */
    private static <T> T make(Class<T> type, Object... args) throws Exception {
        for (Constructor<?> k : type.getDeclaredConstructors()) {
            Class<?>[] params = k.getParameterTypes();
            if (params.length != args.length || (params.length == 1 && params[0] == StreamInput.class)) continue;
            k.setAccessible(true);
            return type.cast(k.newInstance(args));
        }
        throw new IllegalArgumentException("no constructor of " + type + " takes " + args.length + " arguments");
    }

    private static boolean isPlugin(Object o) {
        return o.getClass().getName().startsWith("org.opensearch.hubness.");
    }

    /** The instance fields of a plugin class and its plugin superclasses, without the local ones (transient). */
    private static List<Field> fields(Class<?> type) {
        List<Field> out = new ArrayList<>();
        for (Class<?> c = type; c != null && c.getName().startsWith("org.opensearch.hubness."); c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || Modifier.isTransient(f.getModifiers())) continue;
                f.setAccessible(true);
                out.add(f);
            }
        }
        return out;
    }

    /** A field as the cases name it: "Class.field". */
    private static String key(Field f) {
        return f.getDeclaringClass().getSimpleName() + "." + f.getName();
    }

    private static void findDefaults(String path, Object o, Set<String> local, List<String> unset) throws Exception {
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) findDefaults(path + "[" + i++ + "]", e, local, unset);
            return;
        }
        if (o instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet())
                findDefaults(path + "[" + e.getKey() + "]", e.getValue(), local, unset);
            return;
        }
        if (o == null || !isPlugin(o) || o.getClass().isEnum()) return;
        for (Field f : fields(o.getClass())) {
            if (local.contains(key(f))) continue;
            Object v = f.get(o);
            boolean isDefault = v == null
                    || v.equals(false)
                    || (v instanceof Number n && n.doubleValue() == 0)
                    || (v instanceof Collection<?> c && c.isEmpty())
                    || (v instanceof Map<?, ?> m && m.isEmpty())
                    || (v.getClass().isArray() && Array.getLength(v) == 0);
            if (isDefault) unset.add(path + "." + f.getName());
            else findDefaults(path + "." + f.getName(), v, local, unset);
        }
    }

    private static void compare(String path, Object a, Object b, Set<String> local, List<String> diffs)
            throws Exception {
        if (a == null || b == null) {
            if (a != b) diffs.add(path + ": " + a + " vs " + b);
            return;
        }
        if (a.getClass() != b.getClass()
                && !(a instanceof Collection && b instanceof Collection)
                && !(a instanceof Map && b instanceof Map)) {
            diffs.add(path + ": a " + a.getClass().getName() + " came back as a "
                    + b.getClass().getName());
            return;
        }
        if (a.getClass().isArray()) {
            if (Array.getLength(a) != Array.getLength(b))
                diffs.add(path + ": length " + Array.getLength(a) + " vs " + Array.getLength(b));
            else
                for (int i = 0; i < Array.getLength(a); i++)
                    compare(path + "[" + i + "]", Array.get(a, i), Array.get(b, i), local, diffs);
            return;
        }
        if (a instanceof List<?> la && b instanceof List<?> lb) {
            if (la.size() != lb.size()) diffs.add(path + ": size " + la.size() + " vs " + lb.size());
            else for (int i = 0; i < la.size(); i++) compare(path + "[" + i + "]", la.get(i), lb.get(i), local, diffs);
            return;
        }
        if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
            if (!ma.keySet().equals(mb.keySet())) diffs.add(path + ": keys " + ma.keySet() + " vs " + mb.keySet());
            else for (Object k : ma.keySet()) compare(path + "[" + k + "]", ma.get(k), mb.get(k), local, diffs);
            return;
        }
        if (isPlugin(a) && !a.getClass().isEnum()) {
            for (Field f : fields(a.getClass())) {
                if (!local.contains(key(f))) compare(path + "." + f.getName(), f.get(a), f.get(b), local, diffs);
            }
            if (a instanceof IndicesRequest ia)
                compare(path + ".indices", ia.indices(), ((IndicesRequest) b).indices(), local, diffs);
            if (a instanceof BroadcastResponse ra) {
                BroadcastResponse rb = (BroadcastResponse) b;
                compare(
                        path + ".shards",
                        new int[] {ra.getTotalShards(), ra.getSuccessfulShards(), ra.getFailedShards()},
                        new int[] {rb.getTotalShards(), rb.getSuccessfulShards(), rb.getFailedShards()},
                        local,
                        diffs);
                compare(path + ".shardFailures", ra.getShardFailures(), rb.getShardFailures(), local, diffs);
            }
            return;
        }
        if (a instanceof DefaultShardOperationFailedException) {
            if (!a.toString().equals(b.toString())) diffs.add(path + ": " + a + " vs " + b);
            return;
        }
        if (!a.equals(b)) diffs.add(path + ": " + a + " vs " + b);
    }
}
