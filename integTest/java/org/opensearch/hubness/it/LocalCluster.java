package org.opensearch.hubness.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The real cluster that scripts/local-node started for the integration tests (pre-integration-test), spoken to over
 * plain HTTP with JSON bodies, exactly as a user's client would.
 */
public final class LocalCluster {

    public static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final String baseUrl;
    private final HttpClient http;
    /** The Authorization header of every request, or null (a cluster without the security plugin). */
    private final String authorization;

    private LocalCluster(String baseUrl) {
        this(baseUrl, HTTP, null);
    }

    private LocalCluster(String baseUrl, HttpClient http, String authorization) {
        this.baseUrl = baseUrl;
        this.http = http;
        this.authorization = authorization;
    }

    /** A cluster with the security plugin: HTTPS whose certificate chains to caPem; pick the user with {@link #as}. */
    public static LocalCluster secure(String baseUrl, Path caPem) {
        try (InputStream in = Files.newInputStream(caPem)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry(
                    "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, tmf.getTrustManagers(), null);
            HttpClient client = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .sslContext(tls)
                    .build();
            return new LocalCluster(baseUrl, client, null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the cluster's CA certificate " + caPem, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust the CA certificate " + caPem, e);
        }
    }

    /** The same cluster, every request authenticated as user (HTTP basic authentication). */
    public LocalCluster as(String user, String password) {
        String token = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return new LocalCluster(baseUrl, http, "Basic " + token);
    }

    /** The cluster whose URL scripts/local-node wrote into the directory named by -Dhubness.cluster.dir. */
    public static LocalCluster fromSystemProperties() {
        String dir = System.getProperty("hubness.cluster.dir", "target/it-cluster");
        try {
            return new LocalCluster(Files.readString(Path.of(dir, "url")).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "no running test cluster: " + dir + "/url is missing (run via mvn verify)", e);
        }
    }

    /** The same cluster through node i's HTTP port (node 1 is the default; node i listens on port + i - 1). */
    public LocalCluster node(int i) {
        URI uri = URI.create(baseUrl);
        return new LocalCluster(
                uri.getScheme() + "://" + uri.getHost() + ":" + (uri.getPort() + i - 1), http, authorization);
    }

    /** A cluster at a known URL (the demo, the docs examples run by hand). */
    public static LocalCluster at(String baseUrl) {
        return new LocalCluster(baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl);
    }

    public String baseUrl() {
        return baseUrl;
    }

    public Response get(String path) {
        return send("GET", path, null);
    }

    public Response delete(String path) {
        return send("DELETE", path, null);
    }

    public Response put(String path, Object body) {
        return send("PUT", path, body);
    }

    public Response post(String path, Object body) {
        return send("POST", path, body);
    }

    /** GET / on this node, or null when nothing listens there (connection refused: stopped, or not started yet). */
    public Response rootOrNull() {
        try {
            return get("/");
        } catch (UncheckedIOException notListening) {
            return null;
        }
    }

    /** Sends a request; the body may be a JSON string, a Jackson tree or any object Jackson can write. */
    public Response send(String method, String path, Object body) {
        try {
            String text = body == null ? null : body instanceof String s ? s : JSON.writeValueAsString(body);
            HttpRequest.Builder request =
                    HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofMinutes(5));
            if (authorization != null) request.header("Authorization", authorization);
            if (text == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header(
                        "Content-Type",
                        (path.contains("_bulk") || path.contains("_msearch"))
                                ? "application/x-ndjson"
                                : "application/json");
                request.method(method, HttpRequest.BodyPublishers.ofString(text));
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(method + " " + path, response.statusCode(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A response with its status; {@link #json()} parses the body and {@link #ok()} insists on a 2xx. */
    public record Response(String request, int status, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(request + " did not answer JSON: " + body, e);
            }
        }

        public Response ok() {
            if (status / 100 != 2) {
                throw new AssertionError(request + " answered " + status + ": " + body);
            }
            return this;
        }
    }
}
