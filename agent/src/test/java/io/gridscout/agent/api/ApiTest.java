package io.gridscout.agent.api;

import io.gridscout.protocols.testutil.Captures;

import org.junit.jupiter.api.Tag;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gridscout.agent.TestFiles;
import io.gridscout.agent.cli.Main;
import io.gridscout.agent.cli.Version;
import io.gridscout.agent.daemon.AgentEngine;
import io.gridscout.agent.store.InventoryStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP API over real captures, through a real socket with java.net.http. */
@Tag(Captures.SHARED)
public class ApiTest {
    static final List<String> FILES = List.of("modbus-peer-mei-schneider-m340-pymodbus.pcap", "dnp3-iti-full_exchange.pcap",
            "enip-cisagov-enip_cip_example.pcap", "modbus-iti-ModbusTCP-plant1.pcap");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static InventoryStore store;
    static AgentEngine engine;
    static ApiServer server;
    static String token;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        store = InventoryStore.open(tmp.resolve("api.db"));
        engine = new AgentEngine(AgentEngine.Settings.defaults(), store);
        for (String f : FILES) engine.ingestFile(TestFiles.pcap(f));
        engine.tick(AgentEngine.wallNanos());
        engine.checkpoint();
        Path tokenFile = tmp.resolve("secrets/api-token");
        ApiToken t = ApiToken.loadOrCreate(tokenFile);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
        token = Files.readString(tokenFile).trim();
        assertThat(ApiToken.loadOrCreate(tokenFile).accepts("Bearer " + token)).isTrue();   // second start reads the same token
        server = new ApiServer("127.0.0.1", 0, new ApiRoutes(engine, new AgentMetrics(engine, null, List.of()), t, Version.get()));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        store.close();
    }

    static HttpResponse<String> get(String path, String auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (auth != null) b.header("Authorization", auth);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String path) throws Exception {
        return get(path, "Bearer " + token);
    }

    @Test
    void healthNeedsNoTokenEverythingElseDoes() throws Exception {
        assertThat(get("/healthz", null).statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(get("/healthz", null).body()).get("status").asText()).isEqualTo("ok");
        for (String p : List.of("/api/v1/assets", "/api/v1/inventory", "/metrics", "/api/v1/events", "/api/v1/communications", "/api/v1/assets/127.0.0.4")) {
            assertThat(get(p, null).statusCode()).as(p).isEqualTo(401);
            assertThat(get(p, "Bearer wrong-token-wrong-token").statusCode()).as(p).isEqualTo(401);
            assertThat(get(p, "Basic " + token).statusCode()).as(p).isEqualTo(401);
            assertThat(get(p).statusCode()).as(p).isEqualTo(200);
        }
    }

    @Test
    void healthIs503WithTheProblemsWhenDegraded() throws Exception {
        ApiRoutes degraded = new ApiRoutes(engine, new AgentMetrics(engine, null, List.of()), ApiToken.loadOrCreate(tmp.resolve("secrets/api-token")), "t")
                .withHealth(() -> List.of("capture on eth1 stopped: The interface went down"));
        ApiRoutes.Response r = degraded.handle("GET", "/healthz", null);
        assertThat(r.status()).isEqualTo(503);
        JsonNode h = JSON.readTree(r.body());
        assertThat(h.get("status").asText()).isEqualTo("degraded");
        assertThat(h.get("problems").get(0).asText()).startsWith("capture on eth1 stopped");
    }

    @Test
    void readOnly() throws Exception {
        for (String m : List.of("POST", "PUT", "DELETE", "PATCH")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/v1/assets"))
                    .header("Authorization", "Bearer " + token).method(m, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(m).isEqualTo(405);
            assertThat(r.headers().firstValue("Allow")).hasValue("GET, HEAD");
        }
    }

    @Test
    void badParametersAre400WithJsonError() throws Exception {
        for (String q : List.of("limit=abc", "limit=0", "limit=1001", "offset=-1", "since=yesterday", "colour=red", "limit=1&limit=2",
                "limit=99999999999999999999", "since=2026-01-01T00:00:00Z&since=x")) {
            HttpResponse<String> r = get("/api/v1/assets?" + q);
            assertThat(r.statusCode()).as(q).isEqualTo(400);
            JsonNode e = JSON.readTree(r.body()).get("error");
            assertThat(e.get("status").asInt()).isEqualTo(400);
            assertThat(e.get("message").asText()).isNotBlank();
        }
        assertThat(get("/api/v1/events?since=2026-13-01").statusCode()).isEqualTo(400);
        assertThat(get("/api/v1/inventory?x=1").statusCode()).isEqualTo(400);
        assertThat(get("/api/v1/assets/10.9.9.9").statusCode()).isEqualTo(404);
        assertThat(get("/api/v2/nothing").statusCode()).isEqualTo(404);
        // a request line beyond the cap is refused, not buffered
        assertThat(get("/api/v1/assets?class=" + "x".repeat(10_000)).statusCode()).isIn(400, 413, 414);
    }

    @Test
    void pagingCoversEveryAssetOnce() throws Exception {
        int total = JSON.readTree(get("/api/v1/assets").body()).get("total").asInt();
        assertThat(total).isEqualTo(engine.inventory().assets().size()).isGreaterThan(4);
        Set<String> ids = new HashSet<>();
        for (int off = 0; off < total; off += 3) {
            JsonNode page = JSON.readTree(get("/api/v1/assets?limit=3&offset=" + off).body());
            assertThat(page.get("assets").size()).isLessThanOrEqualTo(3);
            page.get("assets").forEach(a -> assertThat(ids.add(a.get("id").asText())).isTrue());
        }
        assertThat(ids).hasSize(total);
        assertThat(JSON.readTree(get("/api/v1/assets?offset=" + total).body()).get("assets").size()).isZero();
        assertThat(JSON.readTree(get("/api/v1/assets?limit=1000").body()).get("assets").size()).isEqualTo(total);
    }

    @Test
    void filtersAndSingleAsset() throws Exception {
        JsonNode modbus = JSON.readTree(get("/api/v1/assets?protocol=modbus").body()).get("assets");
        assertThat(modbus.size()).isPositive();
        modbus.forEach(a -> assertThat(a.get("services").findValuesAsText("protocol")).contains("modbus"));
        JsonNode plcs = JSON.readTree(get("/api/v1/assets?class=plc").body()).get("assets");
        plcs.forEach(a -> assertThat(a.get("deviceClass").asText()).isEqualTo("plc"));
        assertThat(JSON.readTree(get("/api/v1/assets?since=2100-01-01T00:00:00Z").body()).get("total").asInt()).isZero();
        JsonNode m340 = JSON.readTree(get("/api/v1/assets/127.0.0.4").body());
        assertThat(m340.get("vendor").asText()).isEqualTo("Schneider Electric");
        assertThat(m340.get("firmware").asText()).isEqualTo("v3.10");
        JsonNode comms = JSON.readTree(get("/api/v1/communications?protocol=dnp3").body()).get("communications");
        assertThat(comms.size()).isPositive();
        comms.forEach(c -> assertThat(c.get("protocol").asText()).isEqualTo("dnp3"));
        JsonNode events = JSON.readTree(get("/api/v1/events?since=2000-01-01T00:00:00Z&type=asset.new").body()).get("events");
        assertThat(events.size()).isEqualTo(engine.inventory().assets().size());
    }

    @Test
    void inventoryIsExactlyTheAnalyzeJsonContract() throws Exception {
        Path out = tmp.resolve("analyze.json");
        String[] args = new String[3 + FILES.size()];
        args[0] = "analyze";
        args[1] = "--quiet";
        args[2] = "--json=" + out;
        for (int i = 0; i < FILES.size(); i++) args[3 + i] = TestFiles.pcap(FILES.get(i)).toString();
        assertThat(Main.run(args)).isZero();
        assertThat(get("/api/v1/inventory").body()).isEqualTo(Files.readString(out));
    }

    @Test
    void metricsAreValidPrometheusText() throws Exception {
        HttpResponse<String> r = get("/metrics");
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        Map<String, Double> samples = parsePrometheus(r.body());
        assertThat(samples.get("gridscout_assets")).isEqualTo((double) engine.inventory().assets().size());
        assertThat(samples).containsKeys("gridscout_packets_total", "gridscout_bytes_total", "gridscout_flows_evictions_total",
                "gridscout_flows_active", "gridscout_drops_total{cause=\"fragments\"}", "gridscout_checkpoints_total",
                "gridscout_checkpoint_seconds_count", "jvm_memory_used_bytes{area=\"heap\",id=\"G1 Eden Space\"}");
        assertThat(samples.get("gridscout_checkpoint_seconds_count")).isGreaterThanOrEqualTo(1.0);
    }

    static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*(\\{[^}]*\\})?) (-?[0-9.eE+-]+|NaN|\\+Inf|-Inf)");

    /** Every non-comment line must be "name{labels} value". */
    public static Map<String, Double> parsePrometheus(String text) {
        Map<String, Double> m = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) continue;
            Matcher x = SAMPLE.matcher(line);
            assertThat(x.matches()).as(line).isTrue();
            m.put(x.group(1), Double.parseDouble(x.group(3).replace("+Inf", "Infinity").replace("-Inf", "-Infinity")));
        }
        return m;
    }
}
