package org.opensearch.hubness.bank.state;

import java.util.EnumMap;
import java.util.Map;
import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.hubness.bank.BankDefinition;
import org.opensearch.hubness.norm.Method;
import org.opensearch.hubness.norm.Similarity;

/** Typed cluster-state values for tests: stored definitions from their JSON, and build reports. */
public final class StateFixtures {

    /** A gallery {@code g.v} and a query bank read from {@code q.v}. */
    public static final String INDEX_BANK =
            "{\"gallery\":{\"index\":\"g\",\"field\":\"v\"},\"query_bank\":{\"index\":\"q\",\"field\":\"v\",\"max_size\":10}}";

    private StateFixtures() {}

    /** A definition in its stored form (posted vectors as blob references), as the cluster state holds it. */
    public static BankDefinition stored(String name, String json) {
        return BankDefinition.fromStored(name, XContentHelper.convertToMap(JsonXContent.jsonXContent, json, false));
    }

    /** A report without a hubness section. */
    public static BuildReport report(long version, long galleryDocuments) {
        return new BuildReport(
                version,
                4,
                Similarity.COSINE,
                "faiss",
                galleryDocuments,
                3,
                0,
                3,
                0,
                1,
                5,
                0.25,
                1_000,
                null,
                null,
                null,
                null,
                null,
                null);
    }

    /**
     * A report with every field set (a policy's build, with the gallery's operations), a skewness that is null (every
     * N_10 equal) and one that is not.
     */
    public static BuildReport fullReport(long version) {
        Map<Method, BuildReport.MethodStats> methods = new EnumMap<>(Method.class);
        methods.put(Method.NONE, new BuildReport.MethodStats(1.2345, 0.1, 0.2, 7));
        methods.put(Method.CSLS, new BuildReport.MethodStats(null, 0.0, 0.5, 2));
        return new BuildReport(
                version,
                8,
                Similarity.DOT,
                "lucene",
                1_234_567_890_123L,
                20,
                30,
                11,
                12,
                3,
                456,
                12.34,
                1_700_000_000_000L,
                300L,
                40L,
                new BuildReport.Hubness(10, 20, 1_234_567_890_123L, methods),
                BuildTrigger.POLICY,
                9_876_543_210L,
                17);
    }
}
