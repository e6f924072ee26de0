package org.opensearch.hubness.clients;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.stream.JsonParser;
import java.io.IOException;
import java.net.URI;
import org.apache.hc.core5.http.HttpHost;
import org.opensearch.client.json.JsonData;
import org.opensearch.client.json.JsonpMapper;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.core.SearchResponse;
import org.opensearch.client.opensearch.core.search.Hit;
import org.opensearch.client.opensearch.generic.Body;
import org.opensearch.client.opensearch.generic.OpenSearchClientException;
import org.opensearch.client.opensearch.generic.OpenSearchGenericClient;
import org.opensearch.client.opensearch.generic.Requests;
import org.opensearch.client.opensearch.generic.Response;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;

/**
 * The hubness rescorer through the official Java client ({@code org.opensearch.client:opensearch-java}).
 *
 * <p>The client's typed DSL knows the built-in {@code query} rescorer only, so a request with {@code "hubness"} goes
 * through the client's generic API ({@link OpenSearchClient#generic()}, {@link Requests}): the body is built with
 * jakarta.json, sent on the client's own transport (connection pool, authentication, retries), and the answer is read
 * back into the client's typed {@link SearchResponse} with the same deserializer {@code client.search(...)} uses. The
 * admin API ({@code /_plugins/_hubness/...}) goes the same way.
 *
 * <pre>
 * OpenSearchClient client = JavaClientExample.connect("http://localhost:9200");
 * SearchResponse&lt;JsonData&gt; r = JavaClientExample.search(client, "images", "embedding", "captions-v1", "dual_is", vector, 10, 100);
 * for (Hit&lt;JsonData&gt; hit : r.hits().hits()) System.out.println(hit.id() + " " + hit.score());
 * </pre>
 */
public final class JavaClientExample {

    private JavaClientExample() {}

    /** A client on the Apache HttpClient 5 transport that ships with opensearch-java, mapping JSON with Jackson. */
    public static OpenSearchClient connect(String url) {
        URI uri = URI.create(url);
        OpenSearchTransport transport = ApacheHttpClient5TransportBuilder.builder(
                        new HttpHost(uri.getScheme(), uri.getHost(), uri.getPort()))
                .setMapper(new JacksonJsonpMapper())
                .build();
        return new OpenSearchClient(transport);
    }

    /** A knn query whose top {@code window} hits per shard are re-ranked by the hubness rescorer. */
    public static SearchResponse<JsonData> search(
            OpenSearchClient client,
            String index,
            String field,
            String bank,
            String method,
            float[] vector,
            int size,
            int window)
            throws IOException {
        JsonArrayBuilder builder = Json.createArrayBuilder();
        for (float f : vector) builder.add(f);
        JsonArray v =
                builder.build(); // built once: a JsonArrayBuilder empties itself when built, so it cannot be added
        // twice
        JsonObject body = Json.createObjectBuilder()
                .add("size", size)
                .add(
                        "query",
                        Json.createObjectBuilder()
                                .add(
                                        "knn",
                                        Json.createObjectBuilder()
                                                .add(
                                                        field,
                                                        Json.createObjectBuilder()
                                                                .add("vector", v)
                                                                .add("k", window))))
                .add(
                        "rescore",
                        Json.createObjectBuilder()
                                .add("window_size", window)
                                .add(
                                        "hubness",
                                        Json.createObjectBuilder()
                                                .add("bank", bank)
                                                .add("method", method)
                                                .add("query_vector", v)))
                .build();
        // throwOnHttpErrors: a 4xx/5xx becomes an OpenSearchClientException carrying the error body
        OpenSearchGenericClient generic =
                client.generic().withClientOptions(OpenSearchGenericClient.ClientOptions.throwOnHttpErrors());
        try (Response response = generic.execute(Requests.builder()
                .method("POST")
                .endpoint("/" + index + "/_search")
                .json(body)
                .build())) {
            return typed(client, response);
        }
    }

    /** Creates (and builds) a bank through the admin API; returns the bank's status as JSON. */
    public static JsonObject putBank(OpenSearchClient client, String bank, JsonObject definition) throws IOException {
        OpenSearchGenericClient generic =
                client.generic().withClientOptions(OpenSearchGenericClient.ClientOptions.throwOnHttpErrors());
        try (Response response = generic.execute(Requests.builder()
                .method("PUT")
                .endpoint("/_plugins/_hubness/banks/" + bank)
                .json(definition)
                .build())) {
            JsonpMapper mapper = client._transport().jsonpMapper();
            try (Body b = response.getBody().orElseThrow();
                    JsonParser parser = mapper.jsonProvider().createParser(b.body())) {
                parser.next();
                return parser.getObject();
            }
        }
    }

    /** Reads a search answer into the client's typed SearchResponse, with documents as JsonData. */
    private static SearchResponse<JsonData> typed(OpenSearchClient client, Response response) throws IOException {
        JsonpMapper mapper = client._transport().jsonpMapper();
        try (Body b = response.getBody().orElseThrow(() -> new IOException("search answered no body"));
                JsonParser parser = mapper.jsonProvider().createParser(b.body())) {
            return SearchResponse.createSearchResponseDeserializer(JsonData._DESERIALIZER)
                    .deserialize(parser, mapper);
        }
    }

    /** Prints the rescored hits: java ... JavaClientExample URL INDEX FIELD BANK METHOD v1,v2,... */
    public static void main(String[] args) throws IOException {
        String[] parts = args[5].split(",");
        float[] vector = new float[parts.length];
        for (int i = 0; i < parts.length; i++) vector[i] = Float.parseFloat(parts[i]);
        OpenSearchClient client = connect(args[0]);
        try {
            SearchResponse<JsonData> r = search(client, args[1], args[2], args[3], args[4], vector, 10, 100);
            for (Hit<JsonData> hit : r.hits().hits()) System.out.println(hit.id() + "\t" + hit.score());
        } catch (OpenSearchClientException e) {
            System.err.println("search failed: " + e.getMessage());
        } finally {
            client._transport().close();
        }
    }
}
