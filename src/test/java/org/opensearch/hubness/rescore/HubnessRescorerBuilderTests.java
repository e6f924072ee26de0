package org.opensearch.hubness.rescore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.apache.lucene.search.TotalHits;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.action.ActionRequest;
import org.opensearch.action.ActionType;
import org.opensearch.action.search.SearchRequest;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.action.search.ShardSearchFailure;
import org.opensearch.common.io.stream.BytesStreamOutput;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.ParseField;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.ParsingException;
import org.opensearch.core.common.io.stream.NamedWriteableAwareStreamInput;
import org.opensearch.core.common.io.stream.NamedWriteableRegistry;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.core.xcontent.ToXContent;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.hubness.bank.BankLookup;
import org.opensearch.hubness.bank.LoadedBank;
import org.opensearch.hubness.cache.DocTermsCache;
import org.opensearch.hubness.norm.Method;
import org.opensearch.hubness.norm.NormParams;
import org.opensearch.hubness.norm.Similarity;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.index.query.QueryRewriteContext;
import org.opensearch.index.query.Rewriteable;
import org.opensearch.index.query.WrapperQueryBuilder;
import org.opensearch.index.query.functionscore.ScriptScoreQueryBuilder;
import org.opensearch.search.SearchHit;
import org.opensearch.search.SearchHits;
import org.opensearch.search.builder.SearchSourceBuilder;
import org.opensearch.search.internal.InternalSearchResponse;
import org.opensearch.search.rescore.QueryRescorerBuilder;
import org.opensearch.search.rescore.RescorerBuilder;
import org.opensearch.test.EqualsHashCodeTestUtils;
import org.opensearch.test.OpenSearchTestCase;
import org.opensearch.test.client.NoOpClient;
import org.opensearch.transport.client.Client;

public class HubnessRescorerBuilderTests extends OpenSearchTestCase {

    private final Map<String, LoadedBank> banks = new HashMap<>();
    private final HubnessServices services = new HubnessServices();

    @Override
    public void setUp() throws Exception {
        super.setUp();
        banks.put("both", bank("both", 3, true, true));
        banks.put("qonly", bank("qonly", 5, true, false));
        services.init(
                new BankLookup() {
                    @Override
                    public LoadedBank current(String name) {
                        return banks.get(name);
                    }

                    @Override
                    public LoadedBank version(String name, long version) {
                        LoadedBank b = banks.get(name);
                        return b != null && b.version() == version ? b : null;
                    }
                },
                new DocTermsCache(() -> 1L << 20));
    }

    private static LoadedBank bank(String name, long version, boolean q, boolean g) {
        float[] rows = {1, 0, 0, 0, 0, 1, 0, 0};
        return new LoadedBank(
                name,
                version,
                name + "-" + version,
                "gallery",
                "embedding",
                4,
                Similarity.COSINE,
                NormParams.defaults(),
                q ? rows : null,
                q ? 2 : 0,
                g ? rows.clone() : null,
                g ? 2 : 0,
                Set.of("img-3", "img-4"),
                Set.of("img-9"),
                null,
                null);
    }

    @Override
    protected NamedXContentRegistry xContentRegistry() {
        return new NamedXContentRegistry(List.of(new NamedXContentRegistry.Entry(
                RescorerBuilder.class,
                new ParseField(HubnessRescorerBuilder.NAME),
                p -> HubnessRescorerBuilder.fromXContent(p, services))));
    }

    private HubnessRescorerBuilder parse(String body) throws IOException {
        try (XContentParser parser = createParser(JsonXContent.jsonXContent, body)) {
            parser.nextToken();
            return HubnessRescorerBuilder.fromXContent(parser, services);
        }
    }

    private RescorerBuilder<?> parseRescore(String json) throws IOException {
        try (XContentParser parser = createParser(JsonXContent.jsonXContent, json)) {
            parser.nextToken();
            return RescorerBuilder.parseFromXContent(parser);
        }
    }

    public void testParsesEveryParameter() throws IOException {
        RescorerBuilder<?> rb = parseRescore("{\"window_size\": 100, \"hubness\": {\"bank\": \"captions-v1\", "
                + "\"query_vector\": [0.5, -1, 2e-3, \"NaN-free\"], \"method\": \"dual_dis\"}}"
                        .replace(", \"NaN-free\"", ""));
        HubnessRescorerBuilder b = (HubnessRescorerBuilder) rb;
        assertEquals(Integer.valueOf(100), b.windowSize());
        assertEquals("captions-v1", b.clause().bank());
        assertArrayEquals(new float[] {0.5f, -1f, 2e-3f}, b.clause().queryVector(), 0f);
        assertEquals(Method.DUAL_DIS, b.clause().method());

        b = parse(
                "{\"bank\": \"b\", \"query_vector\": [1, 2], \"method\": \"csls\", \"field\": \"emb\", \"beta_query\": 10, "
                        + "\"beta_gallery\": 2.5, \"score_mode\": \"total\", \"query_weight\": 0.5, \"rescore_query_weight\": 3}");
        assertEquals(Method.CSLS, b.clause().method());
        assertEquals("emb", b.clause().field());
        assertEquals(10.0, b.clause().betaQuery(), 0);
        assertEquals(2.5, b.clause().betaGallery(), 0);
        assertEquals(ScoreMode.TOTAL, b.clause().scoreMode());
        assertEquals(0.5f, b.clause().queryWeight(), 0);
        assertEquals(3f, b.clause().rescoreQueryWeight(), 0);
        assertNull(b.pinned());
    }

    public void testDefaults() throws IOException {
        HubnessRescorerBuilder b = parse("{\"bank\": \"b\", \"query_vector\": [1, 2]}");
        assertNull(b.clause().method());
        assertNull(b.clause().field());
        assertNull(b.clause().betaQuery());
        assertNull(b.clause().betaGallery());
        assertEquals(ScoreMode.REPLACE, b.clause().scoreMode());
        assertEquals(1f, b.clause().queryWeight(), 0);
        assertEquals(1f, b.clause().rescoreQueryWeight(), 0);
        assertNull(b.windowSize());
    }

    private void assertBad(String body, String... fragments) {
        Exception e = expectThrows(Exception.class, () -> parse(body));
        assertTrue("not a 400: " + e, e instanceof ParsingException || e instanceof IllegalArgumentException);
        for (String f : fragments) {
            assertTrue(
                    "message [" + e.getMessage() + "] should contain [" + f + "]",
                    e.getMessage().contains(f));
        }
    }

    public void testBadInputsNameTheProblemAndTheFix() {
        assertBad("{\"query_vector\": [1]}", "requires [bank]", "PUT /_plugins/_hubness/banks/{name}");
        assertBad("{\"bank\": \"b\"}", "requires [query_vector]");
        assertBad("{\"bank\": \"b\", \"query_vector\": []}", "requires [query_vector]");
        assertBad(
                "{\"bank\": \"b\", \"query_vector\": [1, \"NaN\"]}",
                "[query_vector] contains NaN or Infinity at index 1");
        assertBad("{\"bank\": \"b\", \"query_vector\": [\"Infinity\"]}", "NaN or Infinity at index 0");
        assertBad("{\"bank\": \"b\", \"query_vector\": [1e300]}", "NaN or Infinity at index 0");
        assertBad("{\"bank\": \"b\", \"query_vector\": [1, \"x\"]}", "element 1 is not a number");
        assertBad(
                "{\"bank\": \"b\", \"query_vector\": [1], \"method\": \"qbnorm\"}",
                "unknown method [qbnorm]",
                "dual_dis");
        assertBad(
                "{\"bank\": \"b\", \"query_vector\": [1], \"score_mode\": \"sum\"}",
                "unknown score_mode [sum]",
                "replace");
        assertBad("{\"bank\": \"b\", \"query_vector\": [1], \"betaq\": 3}", "unknown parameter [betaq]", "beta_query");
        assertBad(
                "{\"bank\": \"b\", \"query_vector\": [1], \"query_weight\": -1}",
                "[query_weight] must be a finite number >= 0");
        assertBad(
                "{\"bank\": \"b\", \"query_vector\": [1], \"rescore_query_weight\": -0.5}",
                "[rescore_query_weight] must be");
        assertBad(
                "{\"bank\": \"b\", \"query_vector\": [1], \"beta_query\": 0}",
                "[beta_query] must be a finite number from 1e-6 to 10000");
        assertBad(
                "{\"bank\": \"b\", \"query_vector\": [1], \"beta_query\": 1e-300}",
                "[beta_query] must be a finite number from 1e-6 to 10000",
                "scores of a window tie");
        assertBad(
                "{\"bank\": \"b\", \"query_vector\": [1], \"beta_gallery\": -3}",
                "[beta_gallery] must be a finite number from 1e-6 to 10000");
        assertBad(
                "{\"bank\": \"b\", \"query_vector\": [1], \"beta_gallery\": \"NaN\"}",
                "[beta_gallery] must be a finite number from 1e-6 to 10000");
        assertBad("{\"bank\": 3, \"query_vector\": [1]}", "[bank] must be a string");
    }

    private HubnessRescorerBuilder randomBuilder() {
        float[] v = new float[randomIntBetween(1, 64)];
        for (int i = 0; i < v.length; i++) v[i] = randomFloat() * 2 - 1;
        HubnessRescorerBuilder b = new HubnessRescorerBuilder(
                services,
                new RescoreClause(
                        randomAlphaOfLengthBetween(1, 12),
                        v,
                        randomBoolean() ? randomFrom(Method.values()) : null,
                        randomBoolean() ? randomAlphaOfLengthBetween(1, 10) : null,
                        randomBoolean() ? randomDoubleBetween(0.01, 100, true) : null,
                        randomBoolean() ? randomDoubleBetween(0.01, 100, true) : null,
                        randomBoolean() ? randomFrom(ScoreMode.values()) : ScoreMode.REPLACE,
                        randomBoolean() ? randomFloat() * 5 : 1f,
                        randomBoolean() ? randomFloat() * 5 : 1f,
                        randomFrom(Top1.values())));
        if (randomBoolean()) b.windowSize(randomIntBetween(1, 10000));
        return b;
    }

    private static RescoreClause clause(String bank, Method method) {
        return new RescoreClause(bank, new float[] {1, 2, 3, 4}, method, null, null, null, ScoreMode.REPLACE, 1f, 1f);
    }

    private HubnessRescorerBuilder randomPinned(HubnessRescorerBuilder b) {
        return b.pin(new HubnessRescorerBuilder.Pinned(
                randomNonNegativeLong(),
                randomFrom(Method.values()),
                randomBoolean(),
                randomBoolean(),
                randomBoolean() ? null : randomAlphaOfLength(6),
                randomAlphaOfLength(5)));
    }

    public void testXContentRoundTrip() throws IOException {
        for (int i = 0; i < 30; i++) {
            HubnessRescorerBuilder b = randomBuilder();
            XContentBuilder x = JsonXContent.contentBuilder();
            b.toXContent(x, ToXContent.EMPTY_PARAMS);
            RescorerBuilder<?> parsed = parseRescore(x.toString());
            assertEquals(x.toString(), b, parsed);
            assertEquals(b.hashCode(), parsed.hashCode());
        }
    }

    public void testWireRoundTripWithRandomContent() throws IOException {
        NamedWriteableRegistry registry = new NamedWriteableRegistry(List.of(new NamedWriteableRegistry.Entry(
                RescorerBuilder.class, HubnessRescorerBuilder.NAME, in -> new HubnessRescorerBuilder(in, services))));
        for (int i = 0; i < 50; i++) {
            HubnessRescorerBuilder b = randomBoolean() ? randomBuilder() : randomPinned(randomBuilder());
            try (BytesStreamOutput out = new BytesStreamOutput()) {
                out.writeNamedWriteable(b);
                try (StreamInput in =
                        new NamedWriteableAwareStreamInput(out.bytes().streamInput(), registry)) {
                    RescorerBuilder<?> read = in.readNamedWriteable(RescorerBuilder.class);
                    assertEquals(b, read);
                    assertEquals(b.hashCode(), read.hashCode());
                    assertEquals(b.pinned(), ((HubnessRescorerBuilder) read).pinned());
                    assertEquals(0, in.available());
                }
            }
        }
    }

    public void testEqualsAndHashCode() {
        for (int i = 0; i < 20; i++) {
            HubnessRescorerBuilder b = randomBoolean() ? randomBuilder() : randomPinned(randomBuilder());
            EqualsHashCodeTestUtils.checkEqualsAndHashCode(b, this::copy, this::mutate);
        }
    }

    private HubnessRescorerBuilder copy(HubnessRescorerBuilder b) throws IOException {
        try (BytesStreamOutput out = new BytesStreamOutput()) {
            b.writeTo(out);
            return new HubnessRescorerBuilder(out.bytes().streamInput(), services);
        }
    }

    private HubnessRescorerBuilder mutate(HubnessRescorerBuilder b) throws IOException {
        int which = randomIntBetween(0, 5);
        HubnessRescorerBuilder c = new HubnessRescorerBuilder(services, changed(b.clause(), which));
        Integer window = b.windowSize();
        if (which == 4) window = window == null ? 7 : window + 1;
        if (window != null) c.windowSize(window);
        HubnessRescorerBuilder.Pinned p = b.pinned();
        if (which == 5)
            p = new HubnessRescorerBuilder.Pinned(
                    p == null ? 1 : p.bankVersion() + 1, Method.IS, false, false, null, "gallery");
        return p == null ? c : c.pin(p);
    }

    /**
     * The clause with one part changed: 0 the vector, 1 the field, 2 a β and a weight, 3 the method and the top-1;
     * else as is.
     */
    private static RescoreClause changed(RescoreClause k, int which) {
        float[] v = k.queryVector().clone();
        v[0] += 1;
        return new RescoreClause(
                k.bank(),
                which == 0 ? v : k.queryVector(),
                which == 3 ? (k.method() == Method.NNN ? Method.IS : Method.NNN) : k.method(),
                which == 1 ? (k.field() == null ? "f" : k.field() + "x") : k.field(),
                which == 2 ? Double.valueOf(k.betaQuery() == null ? 1.5 : k.betaQuery() + 1) : k.betaQuery(),
                k.betaGallery(),
                k.scoreMode(),
                which == 2 ? k.queryWeight() + 1 : k.queryWeight(),
                k.rescoreQueryWeight(),
                which == 3 ? (k.top1() == Top1.KNN ? Top1.EXACT : Top1.KNN) : k.top1());
    }

    // ---- pinning through the real Rewriteable loop ----

    /** A coordinator-side rewrite context whose async actions run at once with the given client. */
    private static final class CoordinatorContext implements QueryRewriteContext {
        private final Client client;
        private final List<BiConsumer<Client, ActionListener<?>>> actions = new ArrayList<>();

        CoordinatorContext(Client client) {
            this.client = client;
        }

        @Override
        public NamedXContentRegistry getXContentRegistry() {
            return NamedXContentRegistry.EMPTY;
        }

        @Override
        public long nowInMillis() {
            return 0;
        }

        @Override
        public NamedWriteableRegistry getWriteableRegistry() {
            return null;
        }

        @Override
        public void registerAsyncAction(BiConsumer<Client, ActionListener<?>> action) {
            actions.add(action);
        }

        @Override
        public boolean hasAsyncActions() {
            return !actions.isEmpty();
        }

        @Override
        public boolean validate() {
            return false;
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        public void executeAsyncActions(ActionListener listener) {
            List<BiConsumer<Client, ActionListener<?>>> run = new ArrayList<>(actions);
            actions.clear();
            AtomicReference<Exception> failure = new AtomicReference<>();
            for (BiConsumer<Client, ActionListener<?>> a : run) {
                a.accept(client, ActionListener.wrap(r -> {}, failure::set));
            }
            if (failure.get() != null) listener.onFailure(failure.get());
            else listener.onResponse(null);
        }
    }

    private static HubnessRescorerBuilder rewrite(HubnessRescorerBuilder b, Client client) throws Exception {
        AtomicReference<HubnessRescorerBuilder> result = new AtomicReference<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Rewriteable.rewriteAndFetch(
                (RescorerBuilder) b,
                new CoordinatorContext(client),
                ActionListener.wrap(r -> result.set((HubnessRescorerBuilder) r), failure::set));
        if (failure.get() != null) throw failure.get();
        return result.get();
    }

    public void testUngatedMethodsPinTheCurrentVersionWithoutASearch() throws Exception {
        HubnessRescorerBuilder b = new HubnessRescorerBuilder(services, "both", new float[] {1, 2, 3, 4});
        HubnessRescorerBuilder pinned = rewrite(b, null); // a search would fail on the null client
        assertEquals(
                new HubnessRescorerBuilder.Pinned(3, Method.DUAL_IS, false, false, null, "gallery"), pinned.pinned());
        assertSame(pinned, pinned.rewrite(new CoordinatorContext(null)));
        assertNull("the original is left alone", b.pinned());

        HubnessRescorerBuilder q =
                rewrite(new HubnessRescorerBuilder(services, "qonly", new float[] {1, 2, 3, 4}), null);
        assertEquals(Method.IS, q.pinned().method());
        assertEquals(5, q.pinned().bankVersion());
    }

    /** A client whose every search answers with one hit, img-3, and records the request. */
    private static NoOpClient top1Client(String name, List<SearchRequest> seen) {
        return new NoOpClient(name) {
            @Override
            @SuppressWarnings("unchecked")
            protected <Req extends ActionRequest, Resp extends ActionResponse> void doExecute(
                    ActionType<Resp> action, Req request, ActionListener<Resp> listener) {
                seen.add((SearchRequest) request);
                SearchHit hit = new SearchHit(0, "img-3", Map.of(), Map.of());
                SearchHits hits =
                        new SearchHits(new SearchHit[] {hit}, new TotalHits(1, TotalHits.Relation.EQUAL_TO), 2f);
                InternalSearchResponse internal = new InternalSearchResponse(hits, null, null, null, false, null, 1);
                listener.onResponse((Resp) new SearchResponse(
                        internal, null, 1, 1, 0, 1, ShardSearchFailure.EMPTY_ARRAY, SearchResponse.Clusters.EMPTY));
            }
        };
    }

    public void testGatedMethodsAskTheEngineForTheTop1ByDefault() throws Exception {
        List<SearchRequest> seen = new ArrayList<>();
        try (NoOpClient client = top1Client(getTestName(), seen)) {
            HubnessRescorerBuilder b = new HubnessRescorerBuilder(services, clause("both", Method.DUAL_DIS));
            assertEquals(Top1.KNN, b.clause().top1());
            HubnessRescorerBuilder pinned = rewrite(b, client);
            assertEquals(
                    new HubnessRescorerBuilder.Pinned(3, Method.DUAL_DIS, true, false, "img-3", "gallery"),
                    pinned.pinned());
            assertEquals(1, seen.size());
            SearchRequest r = seen.get(0);
            assertArrayEquals(new String[] {"gallery"}, r.indices());
            assertEquals(1, r.source().size());
            WrapperQueryBuilder q = (WrapperQueryBuilder) r.source().query();
            String knn = new String(q.source(), StandardCharsets.UTF_8);
            assertEquals("{\"knn\":{\"embedding\":{\"vector\":[1.0,2.0,3.0,4.0],\"k\":1}}}", knn);
            // a pinned builder never searches again
            assertSame(pinned, rewrite(pinned, client));
            assertEquals(1, seen.size());
        }
    }

    public void testTop1ExactScansTheGalleryWithTheExactScript() throws Exception {
        List<SearchRequest> seen = new ArrayList<>();
        try (NoOpClient client = top1Client(getTestName(), seen)) {
            RescoreClause exact = new RescoreClause(
                    "both",
                    new float[] {1, 2, 3, 4},
                    Method.DIS,
                    null,
                    null,
                    null,
                    ScoreMode.REPLACE,
                    1f,
                    1f,
                    Top1.EXACT);
            HubnessRescorerBuilder pinned = rewrite(new HubnessRescorerBuilder(services, exact), client);
            assertEquals(
                    new HubnessRescorerBuilder.Pinned(3, Method.DIS, true, false, "img-3", "gallery"), pinned.pinned());
            assertEquals(1, seen.size());
            assertEquals(1, seen.get(0).source().size());
            ScriptScoreQueryBuilder q =
                    (ScriptScoreQueryBuilder) seen.get(0).source().query();
            String script = q.toString();
            assertTrue(
                    script,
                    script.contains("\"knn_score\"")
                            && script.contains("\"lang\" : \"knn\"")
                            && script.contains("cosinesimil")
                            && script.contains("\"field\" : \"embedding\""));
        }
    }

    public void testAGalleryWithoutKnnSearchGetsTheExactTop1() throws Exception {
        List<SearchRequest> seen = new ArrayList<>();
        services.knnSearchable(index -> !index.equals("gallery")); // index.knn: false: k-NN refuses knn queries
        try (NoOpClient client = top1Client(getTestName(), seen)) {
            rewrite(new HubnessRescorerBuilder(services, clause("both", Method.DIS)), client);
            assertEquals(1, seen.size());
            assertTrue(seen.get(0).source().query() instanceof ScriptScoreQueryBuilder);
        } finally {
            services.knnSearchable(index -> true);
        }
    }

    public void testTop1IsValidatedInTheDsl() throws IOException {
        String body = "{\"hubness\":{\"bank\":\"b\",\"query_vector\":[1,2],\"top1\":\"approx\"}}";
        ParsingException e = expectThrows(ParsingException.class, () -> parseRescore(body));
        assertTrue(e.getMessage(), e.getMessage().contains("[top1] must be one of [knn, exact], got [approx]"));
        HubnessRescorerBuilder exact = (HubnessRescorerBuilder)
                parseRescore("{\"hubness\":{\"bank\":\"b\",\"query_vector\":[1,2],\"top1\":\"exact\"}}");
        assertEquals(Top1.EXACT, exact.clause().top1());
        HubnessRescorerBuilder dflt =
                (HubnessRescorerBuilder) parseRescore("{\"hubness\":{\"bank\":\"b\",\"query_vector\":[1,2]}}");
        assertEquals(Top1.KNN, dflt.clause().top1());
    }

    public void testGateRules() {
        LoadedBank b = banks.get("both");
        assertEquals(
                new HubnessRescorerBuilder.Pinned(3, Method.DUAL_DIS, false, true, "img-9", "gallery"),
                BankPinning.gates(b, Method.DUAL_DIS, "img-9"));
        assertEquals(
                new HubnessRescorerBuilder.Pinned(3, Method.DIS, true, false, "img-4", "gallery"),
                BankPinning.gates(b, Method.DIS, "img-4"));
        assertEquals(
                new HubnessRescorerBuilder.Pinned(3, Method.DIS, false, false, "img-9", "gallery"),
                BankPinning.gates(b, Method.DIS, "img-9"));
        assertEquals(
                new HubnessRescorerBuilder.Pinned(3, Method.DUAL_DIS, false, false, null, "gallery"),
                BankPinning.gates(b, Method.DUAL_DIS, null));
    }

    public void testCoordinatorRejectsBadRequestsWith400s() {
        OpenSearchStatusException unknown = expectThrows(
                OpenSearchStatusException.class,
                () -> rewrite(new HubnessRescorerBuilder(services, "nope", new float[] {1, 2, 3, 4}), null));
        assertEquals(RestStatus.BAD_REQUEST, unknown.status());
        assertTrue(
                unknown.getMessage(),
                unknown.getMessage().contains("unknown bank [nope]")
                        && unknown.getMessage().contains("PUT /_plugins/_hubness/banks/{name}"));

        IllegalArgumentException dim = expectThrows(
                IllegalArgumentException.class,
                () -> rewrite(new HubnessRescorerBuilder(services, "both", new float[] {1, 2, 3}), null));
        assertTrue(
                dim.getMessage(),
                dim.getMessage().contains("[query_vector] has dimension 3 but bank [both] has dimension 4"));

        IllegalArgumentException missing = expectThrows(
                IllegalArgumentException.class,
                () -> rewrite(new HubnessRescorerBuilder(services, clause("qonly", Method.DUAL_IS)), null));
        assertTrue(missing.getMessage(), missing.getMessage().contains("needs a gallery bank"));

        IllegalArgumentException zero = expectThrows(
                IllegalArgumentException.class,
                () -> rewrite(new HubnessRescorerBuilder(services, "both", new float[4]), null));
        assertTrue(zero.getMessage(), zero.getMessage().contains("all zeros"));
    }

    public void testShardRejectsUnpinnedAndVanishedVersions() {
        HubnessRescorerBuilder b = new HubnessRescorerBuilder(services, "both", new float[] {1, 2, 3, 4});
        IllegalStateException unpinned = expectThrows(IllegalStateException.class, () -> b.buildContext(null));
        assertTrue(unpinned.getMessage(), unpinned.getMessage().contains("without being resolved"));
        HubnessRescorerBuilder.Pinned stale =
                new HubnessRescorerBuilder.Pinned(2, Method.IS, false, false, null, "gallery");
        OpenSearchStatusException gone = expectThrows(
                OpenSearchStatusException.class, () -> ShardRescoreContexts.pinnedVersion(services, "both", stale));
        assertTrue(gone.getMessage(), gone.getMessage().contains("bank [both] version [2] is not loaded on this node"));
    }

    public void testAWindowBelowOneIsRefusedBeforeAnySearch() {
        for (int window : new int[] {0, -1}) {
            HubnessRescorerBuilder b =
                    new HubnessRescorerBuilder(services, clause("both", Method.DUAL_DIS)).windowSize(window);
            // a null client: a top-1 search would fail with another exception
            IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> rewrite(b, null));
            assertTrue(
                    e.getMessage(), e.getMessage().contains("[window_size] of a [hubness] rescore must be at least 1"));
            assertTrue(e.getMessage(), e.getMessage().contains("got " + window));
        }
    }

    public void testAShardOfAnotherIndexRefusesWithoutNamingTheGallery() throws Exception {
        // the coordinator pins the gallery with the version; the shard compares its own index with it
        String gallery = rewrite(new HubnessRescorerBuilder(services, "both", new float[] {1, 2, 3, 4}), null)
                .pinned()
                .galleryIndex();
        assertEquals(banks.get("both").galleryIndex(), gallery);
        ShardRescoreContexts.requireGallery("both", gallery, gallery); // its own gallery passes
        IllegalArgumentException e = expectThrows(
                IllegalArgumentException.class, () -> ShardRescoreContexts.requireGallery("both", gallery, "my-notes"));
        assertTrue(e.getMessage(), e.getMessage().startsWith("bank [both] cannot rescore index [my-notes]"));
        assertFalse(e.getMessage(), e.getMessage().contains("[" + gallery + "]"));
    }

    public void testARequestHoldsAtMostOneHubnessClause() {
        SearchSourceBuilder source = new SearchSourceBuilder();
        assertEquals(0, HubnessClauses.count(null));
        assertEquals(0, HubnessClauses.count(source));
        source.addRescorer(new QueryRescorerBuilder(QueryBuilders.matchAllQuery()));
        source.addRescorer(new HubnessRescorerBuilder(services, "both", new float[] {1, 2, 3, 4}));
        assertEquals(1, HubnessClauses.count(source));
        HubnessClauses.requireAtMostOne(source); // one, beside another rescorer
        source.addRescorer(new HubnessRescorerBuilder(services, "both", new float[] {1, 2, 3, 4}));
        IllegalArgumentException e =
                expectThrows(IllegalArgumentException.class, () -> HubnessClauses.requireAtMostOne(source));
        assertTrue(e.getMessage(), e.getMessage().contains("at most one [hubness] rescore clause, got 2"));
    }
}
