/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.opensearch.ExceptionsHelper;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.common.io.stream.BytesStreamOutput;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.ToXContent;
import org.opensearch.core.xcontent.XContentBuilder;

/**
 * What a build request carries to the action (the body unparsed, so authorisation comes first) and what a background
 * build's task keeps (a pointer to GET, no bank content or failure text).
 */
class BuildRequestTests {

    @Test
    void theBodyCrossesTheWireUnparsedAndIsParsedByTheAction() throws Exception {
        PutBank.Request sent = new PutBank.Request(
                "b", new BytesArray("{\"gallery\": {\"index\": \"g\", \"field\": \"v\"}}"), XContentType.JSON, true);
        PutBank.Request received = roundTrip(sent, PutBank.Request::new);
        assertEquals("b", received.bank());
        assertTrue(received.background());
        assertEquals(
                RestStatus.BAD_REQUEST,
                ExceptionsHelper.status(assertThrows(Exception.class, received::definition)),
                "a gallery without a query_bank or gallery_bank is refused by the action");
        PutBank.Request valid = roundTrip(
                new PutBank.Request(
                        "b",
                        new BytesArray("{\"gallery\": {\"index\": \"g\", \"field\": \"v\"}, "
                                + "\"query_bank\": {\"index\": \"q\", \"field\": \"v\"}}"),
                        XContentType.JSON,
                        false),
                PutBank.Request::new);
        assertEquals("g", valid.definition().galleryIndex());
        assertEquals("q", valid.definition().queryBank().index());

        PutBank.Request malformed = roundTrip(
                new PutBank.Request("b", new BytesArray("{\"gallery\": "), XContentType.JSON, false),
                PutBank.Request::new);
        assertEquals(
                RestStatus.BAD_REQUEST, ExceptionsHelper.status(assertThrows(Exception.class, malformed::definition)));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        roundTrip(new PutBank.Request("b", null, null, false), PutBank.Request::new)::definition)
                .getMessage()
                .contains("the request body must define the bank"));
    }

    @Test
    void aBackgroundBuildsTaskKeepsOnlyWhereToReadTheOutcome() throws Exception {
        RebuildBank.Request background = new RebuildBank.Request("secret-bank", false, true);
        assertTrue(background.getShouldStoreResult());
        AtomicReference<BankResponse> kept = new AtomicReference<>();
        AtomicReference<Exception> failed = new AtomicReference<>();
        ActionListener<BankResponse> task = background.forTask(ActionListener.wrap(kept::set, failed::set));

        task.onResponse(BankResponse.list(List.of()));
        BankResponse received = roundTrip(kept.get(), BankResponse::new);
        XContentBuilder b = JsonXContent.contentBuilder();
        received.toXContent(b, ToXContent.EMPTY_PARAMS);
        assertEquals(
                "{\"bank\":\"secret-bank\",\"outcome\":\"GET /_plugins/_hubness/banks/secret-bank\"}", b.toString());

        task.onFailure(new IllegalArgumentException("[query_bank] field [v] of [private-captions] has dimension 3"));
        OpenSearchStatusException e = (OpenSearchStatusException) failed.get();
        assertEquals(RestStatus.BAD_REQUEST, e.status());
        assertTrue(e.getMessage().contains("GET /_plugins/_hubness/banks/secret-bank"), e.getMessage());
        assertFalse(e.getMessage().contains("private-captions"), e.getMessage());
        assertNull(e.getCause(), "the original failure is not kept");
    }

    @Test
    void aBuildSomeoneWaitsForAnswersInFull() {
        RebuildBank.Request waited = new RebuildBank.Request("b", false, false);
        assertFalse(waited.getShouldStoreResult());
        ActionListener<BankResponse> listener = ActionListener.wrap(r -> {}, e -> {});
        assertSame(listener, waited.forTask(listener));
    }

    private static <T extends Writeable> T roundTrip(T sent, Writeable.Reader<T> reader) throws Exception {
        BytesStreamOutput out = new BytesStreamOutput();
        sent.writeTo(out);
        try (StreamInput in = out.bytes().streamInput()) {
            return reader.read(in);
        }
    }
}
