package org.opensearch.hubness.pipeline;

import java.io.IOException;
import java.util.List;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.action.search.SearchRequest;
import org.opensearch.common.io.stream.BytesStreamOutput;
import org.opensearch.common.xcontent.XContentFactory;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.common.ParsingException;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.hubness.norm.Method;
import org.opensearch.hubness.rescore.HubnessRescorerBuilder;
import org.opensearch.hubness.rescore.HubnessServices;
import org.opensearch.hubness.rescore.ScoreMode;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.search.builder.SearchSourceBuilder;
import org.opensearch.search.pipeline.ProcessorGenerationContext;
import org.opensearch.search.pipeline.SystemGeneratedProcessor;
import org.opensearch.test.OpenSearchTestCase;

/** Parsing {@code ext.hubness} and what its system-generated processor refuses before it looks at a bank. */
public class HubnessSearchExtTests extends OpenSearchTestCase {

    private final HubnessServices services = new HubnessServices();

    private HubnessSearchExt parse(String json, boolean enabled) throws IOException {
        try (XContentParser parser = createParser(JsonXContent.jsonXContent, json)) {
            parser.nextToken();
            return HubnessSearchExt.parse(parser, services, () -> enabled);
        }
    }

    private String refused(String json) {
        ParsingException e = expectThrows(ParsingException.class, () -> parse(json, true));
        assertEquals(RestStatus.BAD_REQUEST, e.status());
        assertTrue(e.getMessage(), e.getMessage().startsWith("[ext.hubness] "));
        return e.getMessage();
    }

    public void testTheProcessorsParametersMakeTheSameClause() throws IOException {
        HubnessSearchExt ext = parse(
                "{\"bank\":\"b1\",\"method\":\"dual_dis\",\"window_size\":100,\"beta_query\":10,\"beta_gallery\":2.5,"
                        + "\"score_mode\":\"total\",\"query_weight\":0.5,\"rescore_query_weight\":2,\"top1\":\"exact\"}",
                true);
        HubnessRescorerBuilder rescorer = ext.template(services).build(List.of(0.5f, 0.25f), "embedding");
        assertEquals(Integer.valueOf(100), rescorer.windowSize());
        assertEquals("b1", rescorer.clause().bank());
        assertEquals(Method.DUAL_DIS, rescorer.clause().method());
        assertEquals("embedding", rescorer.clause().field());
        assertArrayEquals(new float[] {0.5f, 0.25f}, rescorer.clause().queryVector(), 0f);
        assertEquals(10.0, rescorer.clause().betaQuery(), 0);
        assertEquals(2.5, rescorer.clause().betaGallery(), 0);
        assertEquals(ScoreMode.TOTAL, rescorer.clause().scoreMode());
        assertEquals(0.5f, rescorer.clause().queryWeight(), 0f);
        assertEquals(2f, rescorer.clause().rescoreQueryWeight(), 0f);
    }

    public void testOnlyBankIsRequiredAndTheWindowDefaultsAsTheProcessors() throws IOException {
        HubnessRescorerBuilder rescorer =
                parse("{\"bank\":\"b1\"}", true).template(services).build(List.of(1f), null);
        assertEquals(Integer.valueOf(RescoreTemplate.DEFAULT_WINDOW_SIZE), rescorer.windowSize());
        assertNull(rescorer.clause().method());
    }

    public void testBadInputIsRefusedWithTheClausesAndProcessorsMessages() {
        assertTrue(refused("{\"method\":\"is\"}").contains("requires [bank]"));
        assertTrue(refused("{\"bank\":42}").contains("[bank] must be a string"));
        assertTrue(refused("{\"bank\":\"b\",\"method\":\"softmax\"}").contains("unknown method [softmax]"));
        assertTrue(refused("{\"bank\":\"b\",\"beta_query\":-1}").contains("[beta_query] must be a finite number"));
        assertTrue(refused("{\"bank\":\"b\",\"window_size\":0}").contains("[window_size] must be a whole number >= 1"));
        assertTrue(refused("{\"bank\":\"b\",\"window_size\":\"9\"}").contains("[window_size] must be a whole number"));
        String nul = refused("{\"bank\":\"b\",\"method\":null}");
        assertTrue(nul, nul.contains("[method]"));
        String unknown = refused("{\"bank\":\"b\",\"windowsize\":9}");
        assertTrue(unknown, unknown.contains("unknown parameter [windowsize]") && unknown.contains("window_size"));
        for (String fromQuery : HubnessProcessorFactory.FROM_THE_QUERY) {
            assertTrue(refused("{\"bank\":\"b\",\"" + fromQuery + "\":1}")
                    .contains("[" + fromQuery + "] is taken from the request's knn query"));
        }
    }

    public void testTheExtIsRefusedUntilTheFactoryIsEnabled() {
        ParsingException e = expectThrows(ParsingException.class, () -> parse("{\"bank\":\"b1\"}", false));
        assertEquals(RestStatus.BAD_REQUEST, e.status());
        assertTrue(e.getMessage(), e.getMessage().contains(HubnessExtProcessor.FACTORY));
        assertTrue(e.getMessage(), e.getMessage().contains("cluster.search.enabled_system_generated_factories"));
    }

    public void testWireAndXContentRoundTrips() throws IOException {
        HubnessSearchExt ext = parse("{\"bank\":\"b1\",\"method\":\"is\",\"window_size\":7,\"beta_query\":3.5}", true);
        BytesStreamOutput out = new BytesStreamOutput();
        ext.writeTo(out);
        assertEquals(ext, new HubnessSearchExt(out.bytes().streamInput()));
        XContentBuilder builder = XContentFactory.jsonBuilder().startObject();
        ext.toXContent(builder, null);
        builder.endObject();
        String json = BytesReference.bytes(builder).utf8ToString();
        String body = json.substring(json.indexOf(':') + 1, json.length() - 1); // the object under "hubness"
        assertEquals(ext, parse(body, true));
        assertNotEquals(ext, parse("{\"bank\":\"b1\",\"method\":\"is\",\"window_size\":8,\"beta_query\":3.5}", true));
    }

    public void testTheFactoryGeneratesOnlyForARequestWithTheExt() throws IOException {
        HubnessExtProcessor.Factory factory = new HubnessExtProcessor.Factory(services);
        SearchRequest plain =
                new SearchRequest().source(new SearchSourceBuilder().query(QueryBuilders.matchAllQuery()));
        assertFalse(factory.shouldGenerate(new ProcessorGenerationContext(plain)));
        assertFalse(factory.shouldGenerate(new ProcessorGenerationContext(new SearchRequest())));
        SearchRequest withExt =
                new SearchRequest().source(new SearchSourceBuilder().ext(List.of(parse("{\"bank\":\"b1\"}", true))));
        assertTrue(factory.shouldGenerate(new ProcessorGenerationContext(withExt)));
        SystemGeneratedProcessor p = (SystemGeneratedProcessor) factory.create(null, null, null, false, null, null);
        assertEquals(SystemGeneratedProcessor.ExecutionStage.PRE_USER_DEFINED, p.getExecutionStage());
    }

    private String processorRefuses(SearchRequest request) {
        HubnessExtProcessor p = new HubnessExtProcessor(null, services);
        OpenSearchStatusException e = expectThrows(OpenSearchStatusException.class, () -> p.processRequest(request));
        assertEquals(RestStatus.BAD_REQUEST, e.status());
        return e.getMessage();
    }

    public void testWhatThePipelineProcessorPassesTheExtRefuses() throws IOException {
        HubnessSearchExt ext = parse("{\"bank\":\"b1\"}", true);
        SearchSourceBuilder noKnn =
                new SearchSourceBuilder().query(QueryBuilders.matchAllQuery()).ext(List.of(ext));
        assertTrue(processorRefuses(new SearchRequest().source(noKnn)).contains("needs a knn query"));
        SearchSourceBuilder both = new SearchSourceBuilder()
                .query(QueryBuilders.matchAllQuery())
                .addRescorer(new HubnessRescorerBuilder(services, "b1", new float[] {1f}))
                .ext(List.of(ext));
        assertTrue(processorRefuses(new SearchRequest().source(both)).contains("keep the clause or the ext"));
        SearchRequest scroll = new SearchRequest().source(noKnn).scroll("1m");
        assertTrue(processorRefuses(scroll).contains("cannot rescore a scroll"));
    }
}
