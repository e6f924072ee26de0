package org.opensearch.hubness.pipeline;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.opensearch.ExceptionsHelper;
import org.opensearch.OpenSearchParseException;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.hubness.norm.Method;
import org.opensearch.hubness.rescore.HubnessRescorerBuilder;
import org.opensearch.hubness.rescore.HubnessServices;
import org.opensearch.hubness.rescore.RescoreClause;
import org.opensearch.hubness.rescore.ScoreMode;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.search.builder.SearchSourceBuilder;
import org.opensearch.search.rescore.QueryRescorerBuilder;
import org.opensearch.search.sort.SortOrder;
import org.opensearch.test.OpenSearchTestCase;

/** Parsing a {@code hubness} processor's configuration, as PUT _search/pipeline/{id} hands it to the factory. */
public class HubnessProcessorFactoryTests extends OpenSearchTestCase {

    private final HubnessProcessorFactory factory = new HubnessProcessorFactory(new HubnessServices(), null);

    private HubnessRequestProcessor create(Map<String, Object> config) {
        return factory.create(Map.of(), "t1", "d1", false, config, null);
    }

    private static Map<String, Object> config(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    private OpenSearchParseException refused(Map<String, Object> config) {
        OpenSearchParseException e = expectThrows(OpenSearchParseException.class, () -> create(config));
        assertEquals(RestStatus.BAD_REQUEST, ExceptionsHelper.status(e));
        assertEquals(List.of("hubness"), e.getMetadata("opensearch.processor_type"));
        return e;
    }

    public void testEveryRescoreParameterIsCarriedIntoTheClause() {
        Map<String, Object> config = config(
                "bank",
                "b1",
                "method",
                "dual_dis",
                "window_size",
                100,
                "beta_query",
                10,
                "beta_gallery",
                2.5,
                "score_mode",
                "total",
                "query_weight",
                0.5,
                "rescore_query_weight",
                2);
        HubnessRequestProcessor p = create(config);
        assertTrue("the factory consumed every key", config.isEmpty());
        assertEquals("hubness", p.getType());
        assertEquals("t1", p.getTag());
        assertEquals("d1", p.getDescription());
        HubnessRescorerBuilder rescorer = p.template().build(List.of(0.5f, 0.25f), "embedding");
        assertEquals(Integer.valueOf(100), rescorer.windowSize());
        RescoreClause clause = rescorer.clause();
        assertEquals("b1", clause.bank());
        assertArrayEquals(new float[] {0.5f, 0.25f}, clause.queryVector(), 0f);
        assertEquals("embedding", clause.field());
        assertEquals(Method.DUAL_DIS, clause.method());
        assertEquals(10.0, clause.betaQuery(), 0);
        assertEquals(2.5, clause.betaGallery(), 0);
        assertEquals(ScoreMode.TOTAL, clause.scoreMode());
        assertEquals(0.5f, clause.queryWeight(), 0f);
        assertEquals(2f, clause.rescoreQueryWeight(), 0f);
    }

    public void testOnlyBankIsRequired() {
        HubnessRequestProcessor p = create(config("bank", "b1"));
        HubnessRescorerBuilder rescorer = p.template().build(List.of(1f), "f");
        assertEquals(Integer.valueOf(RescoreTemplate.DEFAULT_WINDOW_SIZE), rescorer.windowSize());
        assertNull("the bank's default method", rescorer.clause().method());
        assertEquals(ScoreMode.REPLACE, rescorer.clause().scoreMode());
    }

    public void testMissingBank() {
        assertTrue(refused(config("method", "is")).getMessage().contains("requires [bank]"));
    }

    public void testWrongTypes() {
        assertTrue(refused(config("bank", 7)).getMessage().contains("[bank] must be a string"));
        assertTrue(refused(config("bank", "b1", "method", 3)).getMessage().contains("[method] must be a string"));
        assertTrue(refused(config("bank", "b1", "beta_query", "hot"))
                .getMessage()
                .contains("[beta_query] must be a number"));
        assertTrue(refused(config("bank", "b1", "query_weight", List.of(1)))
                .getMessage()
                .contains("[query_weight] must be a number"));
        for (Object w : List.of("100", 10.5, true, List.of(100))) {
            assertTrue(refused(config("bank", "b1", "window_size", w))
                    .getMessage()
                    .contains("[window_size] must be a whole number"));
        }
    }

    public void testWindowSizeMustBePositive() {
        for (int w : new int[] {0, -1}) {
            String msg = refused(config("bank", "b1", "window_size", w)).getMessage();
            assertTrue(msg, msg.contains("[window_size] must be a whole number >= 1") && msg.contains("[" + w + "]"));
        }
        assertEquals(
                Integer.valueOf(1),
                create(config("bank", "b1", "window_size", 1))
                        .template()
                        .build(List.of(1f), "f")
                        .windowSize());
    }

    public void testUnknownMethodListsTheMethods() {
        String msg = refused(config("bank", "b1", "method", "softmax")).getMessage();
        assertTrue(msg, msg.contains("softmax") && msg.contains("dual_is") && msg.contains("nnn"));
    }

    public void testBadValuesAreTheRescorersOwnRefusals() {
        assertTrue(refused(config("bank", "b1", "beta_query", -1))
                .getMessage()
                .contains("[beta_query] must be a finite number from 1e-6 to 10000"));
        assertTrue(refused(config("bank", "b1", "beta_gallery", 0))
                .getMessage()
                .contains("[beta_gallery] must be a finite number from 1e-6 to 10000"));
        assertTrue(refused(config("bank", "b1", "rescore_query_weight", -2))
                .getMessage()
                .contains("[rescore_query_weight] must be"));
        assertTrue(
                refused(config("bank", "b1", "score_mode", "sum")).getMessage().contains("sum"));
    }

    public void testUnknownParameterNamesTheValidOnes() {
        String msg = refused(config("bank", "b1", "windowsize", 100)).getMessage();
        assertTrue(
                msg,
                msg.contains("unknown parameter [windowsize]")
                        && msg.contains("[window_size]")
                        && msg.contains("beta_query"));
    }

    public void testQueryVectorAndFieldComeFromTheQuery() {
        for (String key : HubnessProcessorFactory.FROM_THE_QUERY) {
            String msg = refused(config("bank", "b1", key, "x")).getMessage();
            assertTrue(msg, msg.contains("[" + key + "] is taken from each request's knn query"));
        }
    }

    public void testRequestsWithoutAKnnQueryOrWithTheirOwnClausePassUnchanged() {
        assertEquals(HubnessRequestProcessor.Unchanged.NO_KNN_QUERY, HubnessRequestProcessor.skipReason(null, null));
        SearchSourceBuilder match = new SearchSourceBuilder().query(QueryBuilders.matchQuery("title", "dog"));
        assertNull(KnnClause.of(match.query()));
        assertEquals(HubnessRequestProcessor.Unchanged.NO_KNN_QUERY, HubnessRequestProcessor.skipReason(match, null));
        SearchSourceBuilder bool =
                new SearchSourceBuilder().query(QueryBuilders.boolQuery().must(QueryBuilders.termQuery("a", "b")));
        assertNull(KnnClause.of(bool.query()));

        KnnClause knn = new KnnClause("embedding", List.of(1f, 2f));
        SearchSourceBuilder own = new SearchSourceBuilder()
                .addRescorer(create(config("bank", "b1")).template().build(List.of(1f), null));
        assertEquals(
                HubnessRequestProcessor.Unchanged.HAS_HUBNESS_RESCORE, HubnessRequestProcessor.skipReason(own, knn));
        SearchSourceBuilder sorted = new SearchSourceBuilder().sort("year", SortOrder.DESC);
        assertEquals(HubnessRequestProcessor.Unchanged.SORTED, HubnessRequestProcessor.skipReason(sorted, knn));
        SearchSourceBuilder byScore = new SearchSourceBuilder()
                .sort("_score", SortOrder.DESC)
                .addRescorer(new QueryRescorerBuilder(QueryBuilders.matchAllQuery()));
        assertNull(
                "a _score sort and another rescorer leave room for the hubness clause",
                HubnessRequestProcessor.skipReason(byScore, knn));
    }
}
