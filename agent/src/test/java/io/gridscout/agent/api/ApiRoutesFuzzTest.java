package io.gridscout.agent.api;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gridscout.agent.TestFiles;
import io.gridscout.agent.daemon.AgentEngine;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Hostile request lines: the routes answer every one with a status, never an exception. */
class ApiRoutesFuzzTest {
    static final String TOKEN_HEADER;
    static final ApiRoutes ROUTES;
    static final Set<Integer> STATUSES = Set.of(200, 400, 401, 404, 405);
    static final String[] METHODS = {"GET", "HEAD", "POST", "DELETE", "get"};

    static {
        try {
            AgentEngine engine = new AgentEngine(AgentEngine.Settings.defaults(), null);
            engine.ingestFile(TestFiles.pcap("modbus-peer-mei-schneider-m340-pymodbus.pcap"));
            engine.tick(AgentEngine.wallNanos());
            Path tokenFile = Files.createTempDirectory("gridscout-fuzz").resolve("token");
            ApiToken token = ApiToken.loadOrCreate(tokenFile);
            TOKEN_HEADER = "Bearer " + Files.readString(tokenFile).trim();
            ROUTES = new ApiRoutes(engine, new AgentMetrics(engine, null, List.of()), token, "fuzz");
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Test
    void knownNastyRequests() {
        for (String uri : List.of("/api/v1/assets/%zz", "/api/v1/assets?%=1", "/api/v1/assets?limit=%", "/api/v1/assets?&&&", "/api/v1/assets?=",
                "/api/v1/assets?limit=-0", "/api/v1/assets?offset=9999999999", "/api/v1/assets/", "/api/v1/assets?since=+1000000000-01-01T00:00:00Z",
                "/metrics?x", "/healthz?x=1", "", "?", "/api/v1/assets?" + "a=1&".repeat(40), "/api/v1/findings?control=%",
                "/api/v1/findings?standard=", "/api/v1/findings?standard=2024%002017", "/api/v1/findings?rule=%00", "/api/v1/findings?offset=9999999999",
                "/api/v1/findings?since=-1000000000-01-01T00:00:00Z", "/api/v1/assets?zone=%FF", "/api/v1/communications?zone=external")) {
            assertThat(STATUSES).contains(ROUTES.handle("GET", uri, TOKEN_HEADER).status());
        }
        assertThat(ROUTES.handle("GET", "/api/v1/assets?offset=9999999999", TOKEN_HEADER).status()).isEqualTo(200);
        assertThat(ROUTES.handle("GET", "/api/v1/findings?offset=9999999999", TOKEN_HEADER).status()).isEqualTo(200);
    }

    @FuzzTest(maxDuration = "10s")
    void fuzz(byte[] data) {
        if (data.length == 0) return;
        String method = METHODS[(data[0] & 0xFF) % METHODS.length];
        String uri = new String(data, 1, data.length - 1, StandardCharsets.ISO_8859_1);
        ApiRoutes.Response r = ROUTES.handle(method, (data[0] & 0x80) != 0 ? "/api/v1/" + uri : uri, (data[0] & 0x40) != 0 ? TOKEN_HEADER : uri);
        if (!STATUSES.contains(r.status())) throw new AssertionError("status " + r.status() + " for " + uri);
    }
}
