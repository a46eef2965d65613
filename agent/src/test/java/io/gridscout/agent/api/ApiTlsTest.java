package io.gridscout.agent.api;

import io.gridscout.agent.daemon.AgentEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** HTTPS with a certificate and PKCS#8 key made by openssl; the client trusts exactly that certificate. */
class ApiTlsTest {
    @TempDir
    Path tmp;

    @Test
    void servesHttpsFromPemFiles() throws Exception {
        Path cert = tmp.resolve("api.crt"), key = tmp.resolve("api.key");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=gridscout-test",
                "-addext", "subjectAltName=IP:127.0.0.1").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(Files.readString(key)).contains("BEGIN PRIVATE KEY");

        AgentEngine engine = new AgentEngine(AgentEngine.Settings.defaults(), null);
        ApiToken token = ApiToken.loadOrCreate(tmp.resolve("token"));
        String bearer = "Bearer " + Files.readString(tmp.resolve("token")).trim();
        try (ApiServer server = new ApiServer("127.0.0.1", 0, new ApiRoutes(engine, new AgentMetrics(engine, null, List.of()), token, "t"),
                ApiServer.tls(cert, key))) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            try (InputStream in = Files.newInputStream(cert)) {
                trust.setCertificateEntry("api", CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            HttpClient https = HttpClient.newBuilder().sslContext(ssl).build();
            HttpResponse<String> r = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + "/api/v1/assets"))
                    .header("Authorization", bearer).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"total\":0");
            // plain HTTP on the TLS port gets no answer
            assertThatThrownBy(() -> HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(5)).build()
                    .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/healthz")).timeout(java.time.Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.ofString())).isInstanceOf(java.io.IOException.class);
        }
    }
}
