package org.opensearch.hubness.bank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opensearch.common.io.stream.BytesStreamOutput;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.xcontent.DeprecationHandler;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.core.xcontent.ToXContent;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.hubness.bank.storage.PostedVectors;
import org.opensearch.hubness.bank.storage.VersionDigest;

/** Bank definitions: parsing with messages that name the problem, and posted vectors that never enter the stored form. */
class BankDefinitionTests {

    private static Map<String, Object> json(String s) {
        return XContentHelper.convertToMap(JsonXContent.jsonXContent, s, false);
    }

    private static String message(String body) {
        return assertThrows(IllegalArgumentException.class, () -> BankDefinition.fromMap("b", json(body)))
                .getMessage();
    }

    @Test
    void defaultsAreFilledInAndBadFieldsAreNamed() {
        BankDefinition d = BankDefinition.fromMap(
                "b",
                json(
                        "{\"gallery\": {\"index\": \"g\", \"field\": \"v\"}, \"query_bank\": {\"index\": \"q\", \"field\": \"v\"}}"));
        assertEquals(20, d.params().betaQuery());
        assertEquals(VectorSource.DEFAULT_MAX_SIZE, d.queryBank().maxSize());
        assertNull(d.galleryBank());
        String ok =
                "\"gallery\": {\"index\": \"g\", \"field\": \"v\"}, \"query_bank\": {\"index\": \"q\", \"field\": \"v\"}";
        assertTrue(message("{" + ok + ", \"beta_query\": 0}").contains("[beta_query]"));
        assertTrue(message("{" + ok + ", \"colour\": 1}").contains("colour"));
        assertTrue(message("{" + ok + ", \"k\": 0}").contains("[k]"));
        assertEquals(10, d.params().hubK(), "hub_k defaults to 10");
        for (int hubK : new int[] {0, 101}) {
            String m = message("{" + ok + ", \"hub_k\": " + hubK + "}");
            assertTrue(m.contains("[hub_k]") && m.contains("between 1 and 100"), m);
        }
        BankDefinition hubK7 = BankDefinition.fromMap("b", json("{" + ok + ", \"hub_k\": 7}"));
        assertEquals(7, BankDefinition.fromStored("b", hubK7.toMap()).params().hubK(), "stored and read");
        // a definition stored before hub_k existed reads as the default
        assertEquals(
                10,
                BankDefinition.fromStored("b", json("{" + ok + "}")).params().hubK());
        assertTrue(
                message("{\"gallery\": {\"index\": \"g\", \"field\": \"v\"}}").contains("query_bank"));
        assertTrue(message(
                        "{\"gallery\": {\"index\": \"g\", \"field\": \"v\"}, \"query_bank\": {\"vectors\": [[1, 2], [3]]}}")
                .contains("same dimension"));
        assertTrue(message(
                        "{\"gallery\": {\"index\": \"g\", \"field\": \"v\"}, \"query_bank\": {\"sample\": {\"size\": 3}}}")
                .contains("only the gallery bank"));
        assertThrows(IllegalArgumentException.class, () -> BankDefinition.validateName("Bad Name"));
    }

    @Test
    void postedVectorsAreStoredAsAChecksummedReferenceAndAUserCannotPostAReference() throws Exception {
        BankDefinition posted = BankDefinition.fromMap(
                "b",
                json("{\"gallery\": {\"index\": \"g\", \"field\": \"v\"}, "
                        + "\"query_bank\": {\"vectors\": [[1, 0], [0, 1], [0.5, 0.5]]}, \"description\": \"three\"}"));
        assertThrows(IllegalStateException.class, () -> toJson(posted), "raw vectors never enter the cluster state");
        assertThrows(
                IllegalStateException.class,
                () -> posted.writeTo(new BytesStreamOutput()),
                "raw vectors never cross the wire inside a definition");
        BankDefinition stored = PostedVectors.forStorage(posted, "build-7");
        String json = toJson(stored);
        assertFalse(json.contains("vectors"), json);
        assertTrue(json.contains("build-7"), json);
        BankDefinition back = fromJson("b", json);
        assertEquals(stored, back);
        assertEquals(
                new PostedBlob(
                        "build-7", 3, 2, VersionDigest.ofRows(posted.queryBank().vectors())),
                back.queryBank().posted());
        assertEquals(
                Map.of("posted_vectors", 3, "dimension", 2), back.describe().get("query_bank"));
        assertTrue(
                assertThrows(IllegalArgumentException.class, () -> BankDefinition.fromMap("b", json(json)))
                        .getMessage()
                        .contains("[query_bank] needs"),
                "a PUT cannot reference (and so read) another bank's blob");
        assertEquals(
                Map.of("build-7", true), Map.of(back.postedBlobIds().iterator().next(), true));
    }

    @Test
    void everyKindOfSourceSurvivesTheWireAndTheStoredForm() throws Exception {
        BankDefinition stored = PostedVectors.forStorage(
                BankDefinition.fromMap(
                        "b",
                        json("{\"gallery\": {\"index\": \"g\", \"field\": \"v\"}, "
                                + "\"query_bank\": {\"vectors\": [[1, 0], [0, 1]], "
                                + "\"captured\": {\"rate\": 0.25, \"max_size\": 77, \"min_size\": 5}}, "
                                + "\"gallery_bank\": {\"sample\": {\"size\": 7, \"seed\": 9}}, "
                                + "\"beta_query\": 5, \"beta_gallery\": 2, \"k\": 3, \"csls_k\": 4, \"nnn_k\": 6, "
                                + "\"nnn_alpha\": 0.5, \"hub_k\": 3, \"similarity\": \"dot\", \"description\": \"all\", "
                                + "\"rebuild_policy\": {\"interval\": \"15m\", \"min_gallery_change\": 0.25}}")),
                "build-1");
        assertEquals(
                new RebuildPolicy(TimeValue.timeValueMinutes(15), null, 0.25),
                stored.rebuildPolicy(),
                "non-default, so a field the wire or the stored form drops fails the round trips below");
        assertEquals(stored, fromJson("b", toJson(stored)));
        BytesStreamOutput out = new BytesStreamOutput();
        stored.writeTo(out);
        try (StreamInput in = out.bytes().streamInput()) {
            assertEquals(stored, new BankDefinition(in));
        }
        BankDefinition fromIndex = BankDefinition.fromMap(
                "c",
                json("{\"gallery\": {\"index\": \"g\", \"field\": \"v\"}, "
                        + "\"query_bank\": {\"index\": \"q\", \"field\": \"w\", \"max_size\": 12}}"));
        assertEquals(fromIndex, fromJson("c", toJson(fromIndex)));
        // a policy counting captured queries (which a captured query bank allows) travels whole as well
        BankDefinition counting =
                stored.withRebuildPolicy(new RebuildPolicy(TimeValue.timeValueSeconds(1), 1000L, null));
        BytesStreamOutput again = new BytesStreamOutput();
        counting.writeTo(again);
        try (StreamInput in = again.bytes().streamInput()) {
            assertEquals(counting, new BankDefinition(in));
            assertEquals(0, in.available(), "every byte written is read");
        }
        assertEquals(new CapturedSpec(0.25, 77, 5), stored.queryBank().captured(), "captured beside posted vectors");
        assertEquals(stored, wire(stored));

        BankDefinition capturedOnly = BankDefinition.fromMap(
                "d",
                json("{\"gallery\": {\"index\": \"g\", \"field\": \"v\"}, "
                        + "\"query_bank\": {\"captured\": {\"rate\": 0.5, \"max_size\": 300, \"min_size\": 40}}}"));
        assertEquals(VectorSource.Kind.CAPTURED, capturedOnly.queryBank().kind());
        assertEquals(new CapturedSpec(0.5, 300, 40), capturedOnly.queryBank().captured());
        assertEquals(capturedOnly, fromJson("d", toJson(capturedOnly)));
        assertEquals(capturedOnly, wire(capturedOnly));
        BankDefinition besideIndex = BankDefinition.fromMap(
                "e",
                json("{\"gallery\": {\"index\": \"g\", \"field\": \"v\"}, \"query_bank\": {\"index\": \"q\","
                        + " \"field\": \"w\", \"captured\": {\"rate\": 1, \"max_size\": 50}}}"));
        assertEquals(VectorSource.Kind.INDEX, besideIndex.queryBank().kind());
        assertEquals(new CapturedSpec(1, 50, 0), besideIndex.queryBank().captured(), "beside a seed: no min_size");
        assertEquals(besideIndex, fromJson("e", toJson(besideIndex)));
        assertEquals(besideIndex, wire(besideIndex));
    }

    @Test
    void capturedIsValidatedWithMessagesThatSayWhatToFix() {
        String g = "{\"gallery\": {\"index\": \"g\", \"field\": \"v\"}, ";
        assertEquals(
                new CapturedSpec(0.05, 10_000, 100),
                BankDefinition.fromMap("b", json(g + "\"query_bank\": {\"captured\": {\"rate\": 0.05}}}"))
                        .queryBank()
                        .captured(),
                "alone: max_size 10000 and min_size 100 by default");
        for (String rate : new String[] {"0", "-0.1", "1.5"}) {
            String m = message(g + "\"query_bank\": {\"captured\": {\"rate\": " + rate + "}}}");
            assertTrue(m.contains("[query_bank.captured.rate]") && m.contains("(0, 1]"), m);
        }
        assertTrue(
                message(g + "\"query_bank\": {\"captured\": {}}}").contains("[query_bank.captured.rate] is required"));
        for (String size : new String[] {"0", "10001"}) {
            String m = message(g + "\"query_bank\": {\"captured\": {\"rate\": 1, \"max_size\": " + size + "}}}");
            assertTrue(m.contains("[query_bank.captured.max_size]") && m.contains("between 1 and 10000"), m);
        }
        String tooMany =
                message(g + "\"query_bank\": {\"captured\": {\"rate\": 1, \"max_size\": 10, \"min_size\": 11}}}");
        assertTrue(tooMany.contains("[query_bank.captured.min_size]"), tooMany);
        String zeroAlone = message(g + "\"query_bank\": {\"captured\": {\"rate\": 1, \"min_size\": 0}}}");
        assertTrue(zeroAlone.contains("at least 1"), zeroAlone);
        assertTrue(message(g + "\"query_bank\": {\"captured\": {\"rate\": 1, \"user\": 1}}}")
                .contains("user"));
        String gallery = message(g + "\"gallery_bank\": {\"sample\": {\"size\": 3}, \"captured\": {\"rate\": 1}}}");
        assertTrue(gallery.contains("[gallery_bank] cannot be [captured]"), gallery);
    }

    @Test
    void aRebuildPolicyIsValidatedWithMessagesThatSayWhatToFix() {
        String ok =
                "\"gallery\": {\"index\": \"g\", \"field\": \"v\"}, \"query_bank\": {\"index\": \"q\", \"field\": \"v\"}";
        BankDefinition d = BankDefinition.fromMap(
                "b", json("{" + ok + ", \"rebuild_policy\": {\"interval\": \"1s\", \"min_gallery_change\": 0.05}}"));
        assertEquals(1000, d.rebuildPolicy().interval().millis());
        assertEquals(0.05, d.rebuildPolicy().minGalleryChange());
        assertEquals(
                Map.of("interval", "1s", "min_gallery_change", 0.05),
                d.describe().get("rebuild_policy"),
                "GET shows the policy as written");
        assertNull(BankDefinition.fromMap("b", json("{" + ok + "}")).rebuildPolicy());
        Map<String, String> faults = new java.util.LinkedHashMap<>();
        faults.put("\"1h\"", "must be an object");
        faults.put("{\"min_gallery_change\": 0.05}", "[rebuild_policy.interval] is required");
        faults.put("{\"interval\": \"500ms\", \"min_gallery_change\": 0.05}", "between 1s and 365d");
        faults.put("{\"interval\": \"400d\", \"min_gallery_change\": 0.05}", "between 1s and 365d");
        faults.put("{\"interval\": \"soon\", \"min_gallery_change\": 0.05}", "must be a time such as");
        faults.put("{\"interval\": 60, \"min_gallery_change\": 0.05}", "[rebuild_policy.interval]");
        faults.put("{\"interval\": \"1h\"}", "needs at least one of [min_gallery_change]");
        faults.put("{\"interval\": \"1h\", \"min_gallery_change\": 0}", "must be a fraction above 0");
        faults.put("{\"interval\": \"1h\", \"min_gallery_change\": -0.1}", "must be a fraction above 0");
        faults.put("{\"interval\": \"1h\", \"min_gallery_change\": \"5%\"}", "must be a number");
        faults.put("{\"interval\": \"1h\", \"min_new_queries\": 0}", "at least 1");
        faults.put("{\"interval\": \"1h\", \"min_new_queries\": 1.5}", "must be an integer");
        faults.put("{\"interval\": \"1h\", \"min_new_queries\": 1000}", "needs a captured query bank");
        faults.put("{\"interval\": \"1h\", \"min_gallery_change\": 0.1, \"every\": 2}", "unknown key(s) [every]");
        for (Map.Entry<String, String> f : faults.entrySet()) {
            String m = message("{" + ok + ", \"rebuild_policy\": " + f.getKey() + "}");
            assertTrue(m.contains(f.getValue()), f.getKey() + " -> " + m);
        }
    }

    private static BankDefinition wire(BankDefinition d) throws Exception {
        BytesStreamOutput out = new BytesStreamOutput();
        d.writeTo(out);
        try (StreamInput in = out.bytes().streamInput()) {
            return new BankDefinition(in);
        }
    }

    private static String toJson(BankDefinition d) throws Exception {
        return d.toXContent(JsonXContent.contentBuilder(), ToXContent.EMPTY_PARAMS)
                .toString();
    }

    private static BankDefinition fromJson(String name, String json) throws Exception {
        try (XContentParser p = JsonXContent.jsonXContent.createParser(
                NamedXContentRegistry.EMPTY, DeprecationHandler.THROW_UNSUPPORTED_OPERATION, json)) {
            p.nextToken();
            return BankDefinition.fromXContent(p, name);
        }
    }
}
