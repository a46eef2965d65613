package io.gridscout.agent.api;

import io.gridscout.protocols.testutil.Captures;

import org.junit.jupiter.api.Tag;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gridscout.agent.TestFiles;
import io.gridscout.agent.cli.Main;
import io.gridscout.agent.cli.Version;
import io.gridscout.agent.daemon.AgentEngine;
import io.gridscout.agent.events.EventJson;
import io.gridscout.agent.events.JsonLinesFile;
import io.gridscout.agent.events.Syslog;
import io.gridscout.agent.evidence.SiteYaml;
import io.gridscout.agent.store.InventoryStore;
import io.gridscout.mapping.events.ChangeEvent;
import io.gridscout.mapping.evidence.Finding;
import io.gridscout.mapping.evidence.Status;
import io.gridscout.mapping.site.SiteContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Findings, finding.new events and zones through the real API over real captures with a site context. */
@Tag(Captures.SHARED)
public class ApiFindingsTest {
    static final List<String> FILES = List.of("modbus-iti-ModbusTCP-plant1.pcap", "dnp3-iti-full_exchange.pcap",
            "modbus-peer-mei-schneider-m340-pymodbus.pcap");
    static final String SITE = """
            site: Plant 1
            zones:
              - {name: plant, kind: plant, cidrs: [141.81.0.0/24]}
              - {name: scada, kind: control-centre, cidrs: [192.168.60.0/24]}
            writers: [141.81.0.99]
            """;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static Path siteFile;
    static SiteContext site;
    static InventoryStore store;
    static AgentEngine engine;
    static ApiServer server;
    static String token;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        siteFile = tmp.resolve("site.yaml");
        Files.writeString(siteFile, SITE);
        site = SiteYaml.read(siteFile);
        store = InventoryStore.open(tmp.resolve("api.db"));
        engine = new AgentEngine(AgentEngine.Settings.defaults(), store, site, null);
        for (String f : FILES) engine.ingestFile(TestFiles.pcap(f));
        engine.tick(AgentEngine.wallNanos());
        engine.checkpoint();
        ApiToken t = ApiToken.loadOrCreate(tmp.resolve("api-token"));
        token = Files.readString(tmp.resolve("api-token")).trim();
        server = new ApiServer("127.0.0.1", 0, new ApiRoutes(engine, new AgentMetrics(engine, null, List.of()), t, Version.get()));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        store.close();
    }

    static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(String path) throws Exception {
        HttpResponse<String> r = get(path);
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void findingsAreTheEvidencePackFindingsOfTheLiveInventory() throws Exception {
        Path pack = tmp.resolve("pack");
        List<String> args = new ArrayList<>(List.of("analyze", "--quiet", "--site", siteFile.toString(), "--report", pack.toString()));
        for (String f : FILES) args.add(TestFiles.pcap(f).toString());
        assertThat(Main.run(args.toArray(String[]::new))).isZero();
        JsonNode expected = JSON.readTree(pack.resolve("findings.json").toFile());

        JsonNode api = json("/api/v1/findings?limit=1000");
        assertThat(api.get("standard").asText()).isEqualTo("27019:2024");
        assertThat(api.get("site").asText()).isEqualTo("Plant 1");
        assertThat(api.get("rules").asText()).isEqualTo(expected.path("catalogs").path("rules").asText());
        assertThat(api.get("total").asInt()).isEqualTo(expected.get("findings").size()).isGreaterThan(5);
        // the same items, field for field, as findings.json of the pack for the same captures and site
        assertThat(api.get("findings")).isEqualTo(expected.get("findings"));
        assertThat(api.get("notEvaluated")).isEqualTo(expected.get("notEvaluated"));
        assertThat(api.get("notEvaluated").has("ER-01")).isTrue();   // no register: the register rules say why they did not run
        assertThat(statuses(api, "ER-06")).containsOnly("nonconformity");   // writes from hosts that are not the allowed writer
        assertThat(api.get("findings")).anySatisfy(f -> assertThat(f.get("summary").asText()).startsWith("Host 141.81.0.10 sent write/control"));
    }

    static List<String> statuses(JsonNode page, String rule) {
        List<String> out = new ArrayList<>();
        for (JsonNode f : page.get("findings")) if (f.get("rule").asText().equals(rule)) out.add(f.get("status").asText());
        return out;
    }

    /** A 27019 control id of that edition that some finding of the engine names. */
    static String controlOf(String edition) {
        return engine.findings().findings().stream().flatMap(f -> f.controls().entrySet().stream())
                .filter(e -> e.getKey().equals("27019:" + edition)).flatMap(e -> e.getValue().stream())
                .findFirst().orElseThrow(() -> new AssertionError("no finding names a 27019:" + edition + " control"));
    }

    @Test
    void findingFiltersAndPaging() throws Exception {
        int total = json("/api/v1/findings").get("total").asInt();
        JsonNode er06 = json("/api/v1/findings?rule=ER-06");
        assertThat(er06.get("total").asInt()).isPositive();
        er06.get("findings").forEach(f -> assertThat(f.get("rule").asText()).isEqualTo("ER-06"));
        JsonNode nc = json("/api/v1/findings?status=nonconformity");
        nc.get("findings").forEach(f -> assertThat(f.get("status").asText()).isEqualTo("nonconformity"));
        assertThat(nc.get("total").asInt()).isEqualTo((int) engine.findings().findings().stream().filter(f -> f.status() == Status.NONCONFORMITY).count());
        JsonNode high = json("/api/v1/findings?severity=high&status=nonconformity");
        high.get("findings").forEach(f -> assertThat(f.get("severity").asText()).isEqualTo("high"));
        assertThat(high.get("total").asInt()).isPositive();
        // a control id as printed in either edition
        // (ids taken from the findings themselves: which controls a rule maps to is the catalogue's business, #21)
        String id2024 = controlOf("2024"), id2017 = controlOf("2017");
        JsonNode c2024 = json("/api/v1/findings?control=" + id2024);
        assertThat(c2024.get("total").asInt()).isPositive();
        c2024.get("findings").forEach(f -> assertThat(f.get("controls").toString()).contains("\"" + id2024 + "\""));
        JsonNode c2017 = json("/api/v1/findings?control=" + id2017 + "&standard=27019:2017");
        assertThat(c2017.get("standard").asText()).isEqualTo("27019:2017");
        assertThat(c2017.get("total").asInt()).isPositive();
        c2017.get("findings").forEach(f -> assertThat(f.get("controls").toString()).contains("\"" + id2017 + "\""));
        assertThat(json("/api/v1/findings?since=2100-01-01T00:00:00Z").get("total").asInt()).isZero();
        // since: findings with packet evidence then or later; those without packet times (a window-wide observation) need no since
        long timed = engine.findings().findings().stream().filter(f -> f.lastSeen() != Long.MIN_VALUE).count();
        assertThat(timed).isLessThan(total);
        assertThat(json("/api/v1/findings?since=2000-01-01T00:00:00Z").get("total").asInt()).isEqualTo((int) timed);

        Set<String> seen = new HashSet<>();
        for (int off = 0; off < total; off += 2) {
            JsonNode page = json("/api/v1/findings?limit=2&offset=" + off);
            assertThat(page.get("findings").size()).isLessThanOrEqualTo(2);
            page.get("findings").forEach(f -> assertThat(seen.add(f.toString())).isTrue());
        }
        assertThat(seen).hasSize(total);
    }

    @Test
    void badFilterValuesAre400() throws Exception {
        for (String q : List.of("/api/v1/findings?rule=ER-99", "/api/v1/findings?control=99.99", "/api/v1/findings?status=bad",
                "/api/v1/findings?severity=urgent", "/api/v1/findings?since=yesterday", "/api/v1/findings?standard=27019:1999",
                "/api/v1/findings?limit=1001", "/api/v1/findings?offset=-1", "/api/v1/findings?zone=plant", "/api/v1/findings?rule=ER-06&rule=ER-07",
                "/api/v1/assets?zone=mars", "/api/v1/communications?zone=mars", "/api/v1/assets?zone=")) {
            HttpResponse<String> r = get(q);
            assertThat(r.statusCode()).as(q).isEqualTo(400);
            assertThat(JSON.readTree(r.body()).get("error").get("message").asText()).isNotBlank();
        }
        assertThat(get("/api/v1/assets?zone=mars").body()).contains("plant, scada, external");
    }

    @Test
    void zonesFilterAssetsAndCommunicationsAndNameEachAsset() throws Exception {
        JsonNode plant = json("/api/v1/assets?zone=plant&limit=1000");
        assertThat(plant.get("total").asInt()).isPositive();
        plant.get("assets").forEach(a -> {
            assertThat(a.get("zone").asText()).isEqualTo("plant");
            assertThat(a.get("ips").get(0).asText()).startsWith("141.81.0.");
        });
        JsonNode scada = json("/api/v1/assets?zone=scada");
        assertThat(scada.get("assets")).extracting(a -> a.get("ips").get(0).asText()).containsExactlyInAnyOrder("192.168.60.1", "192.168.60.130");
        // every asset carries its zone; unzoned private addresses have none
        int all = json("/api/v1/assets").get("total").asInt();
        assertThat(all).isEqualTo(plant.get("total").asInt() + 2 + 2);    // + the two loopback hosts of the M340 capture
        JsonNode m340 = json("/api/v1/assets/127.0.0.4");
        assertThat(m340.has("zone")).isTrue();
        assertThat(m340.get("zone").isNull()).isTrue();
        assertThat(json("/api/v1/assets/192.168.60.130").get("zone").asText()).isEqualTo("scada");
        assertThat(json("/api/v1/assets?zone=external").get("total").asInt()).isZero();

        JsonNode comms = json("/api/v1/communications?zone=scada");
        assertThat(comms.get("total").asInt()).isPositive();
        comms.get("communications").forEach(c -> assertThat(c.get("client").asText() + c.get("server").asText()).contains("192.168.60."));
        JsonNode plantComms = json("/api/v1/communications?zone=plant&protocol=modbus");
        plantComms.get("communications").forEach(c -> assertThat(c.get("server").asText()).startsWith("141.81.0."));
        assertThat(plantComms.get("total").asInt() + json("/api/v1/communications?zone=scada").get("total").asInt())
                .isLessThanOrEqualTo(json("/api/v1/communications").get("total").asInt());

        // the inventory contract stays exactly the analyze JSON: no zone there
        assertThat(json("/api/v1/inventory").get("assets").get(0).has("zone")).isFalse();
    }

    @Test
    void withoutASiteTheRulesThatNeedNoneRunAndAssetsHaveNoZoneField() throws Exception {
        AgentEngine bare = new AgentEngine(AgentEngine.Settings.defaults(), null);
        bare.ingestFile(TestFiles.pcap("dnp3-iti-cold_restart_and_response.pcap"));
        bare.tick(AgentEngine.wallNanos());
        ApiRoutes routes = new ApiRoutes(bare, new AgentMetrics(bare, null, List.of()), ApiToken.loadOrCreate(tmp.resolve("api-token")), "t");
        JsonNode f = JSON.readTree(routes.handle("GET", "/api/v1/findings?limit=1000", "Bearer " + token).body());
        assertThat(statuses(f, "ER-09")).containsExactly("observation");       // DNP3 without Secure Authentication
        assertThat(statuses(f, "ER-07")).containsExactly("observation");       // cold restart
        assertThat(f.get("notEvaluated").has("ER-06")).isFalse();               // runs without a site (as an observation)
        assertThat(f.get("notEvaluated").has("ER-11")).isTrue();                // approved flows need a site
        JsonNode assets = JSON.readTree(routes.handle("GET", "/api/v1/assets", "Bearer " + token).body()).get("assets");
        assertThat(assets.size()).isPositive();
        assets.forEach(a -> assertThat(a.has("zone")).isFalse());
        assertThat(routes.handle("GET", "/api/v1/assets?zone=plant", "Bearer " + token).status()).isEqualTo(400);
    }

    @Test
    void newFindingsGoThroughStoreJsonLinesAndSyslogOnce() throws Exception {
        // the shared engine: one finding.new per nonconformity and observation on its first tick
        JsonNode stored = json("/api/v1/events?type=finding.new&limit=1000");
        long expected = engine.findings().findings().stream().filter(f -> f.status() != Status.EVIDENCE_OF_CONFORMITY).count();
        assertThat(stored.get("events").size()).isEqualTo((int) expected).isPositive();
        assertThat(stored.get("events")).anySatisfy(e -> {
            assertThat(e.get("subject").asText()).isEqualTo("ER-06");
            assertThat(e.get("new").asText()).startsWith("nonconformity high: Host 141.81.0.10 sent write/control commands");
        });

        Path db = tmp.resolve("events.db");
        List<ChangeEvent> second;
        try (InventoryStore s = InventoryStore.open(db)) {
            AgentEngine e = new AgentEngine(AgentEngine.Settings.defaults(), s, site, null);
            e.ingestFile(TestFiles.pcap("modbus-iti-ModbusTCP-plant1.pcap"));
            e.tick(AgentEngine.wallNanos());
            List<ChangeEvent> first = newFindings(e.checkpoint());
            assertThat(first).extracting(ChangeEvent::subject).contains("ER-06").doesNotContain("ER-07", "ER-09");
            // nothing changed: nothing new
            e.tick(AgentEngine.wallNanos());
            assertThat(newFindings(e.checkpoint())).isEmpty();
            // a DNP3 cold restart arrives: its findings are new, the Modbus ones are not reported again
            e.ingestFile(TestFiles.pcap("dnp3-iti-cold_restart_and_response.pcap"));
            e.tick(AgentEngine.wallNanos());
            second = newFindings(e.checkpoint());
            assertThat(second).extracting(ChangeEvent::subject).contains("ER-07", "ER-09");
            assertThat(second).noneMatch(x -> x.newValue().contains("141.81.0."));
            assertThat(second).allMatch(x -> !x.newValue().startsWith("evidence-of-conformity"));
        }
        // a restart continues from the store: findings already true are not new again
        try (InventoryStore s = InventoryStore.open(db)) {
            AgentEngine e = new AgentEngine(AgentEngine.Settings.defaults(), s, site, null);
            assertThat(e.findings().findings()).extracting(Finding::ruleId).contains("ER-06", "ER-07");
            e.tick(AgentEngine.wallNanos());
            assertThat(newFindings(e.checkpoint())).isEmpty();
        }

        // the same events as JSON lines and as RFC 5424 syslog (warning severity: local0.warning = <132>)
        Path lines = tmp.resolve("events.jsonl");
        try (JsonLinesFile f = new JsonLinesFile(lines)) {
            f.send(second);
        }
        List<String> written = Files.readAllLines(lines, StandardCharsets.UTF_8);
        assertThat(written).hasSize(second.size());
        JsonNode restart = null;
        for (String l : written) {
            JsonNode n = JSON.readTree(l);
            assertThat(n.get("type").asText()).isEqualTo("finding.new");
            if (n.get("subject").asText().equals("ER-07")) restart = n;
        }
        assertThat(restart).isNotNull();
        assertThat(restart.get("new").asText()).startsWith("nonconformity high: Program/state change").contains("COLD_RESTART");   // not an allowed writer
        try (DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            udp.setSoTimeout(5000);
            try (Syslog sys = new Syslog("udp://127.0.0.1:" + udp.getLocalPort(), 16)) {
                sys.send(second);
            }
            for (ChangeEvent ev : second) {
                DatagramPacket p = new DatagramPacket(new byte[8192], 8192);
                udp.receive(p);
                String msg = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
                assertThat(msg).startsWith("<132>1 ").contains(" finding.new ");
            }
        }
        assertThat(EventJson.line(second.get(0))).contains("\"type\":\"finding.new\"");
    }

    static List<ChangeEvent> newFindings(List<ChangeEvent> events) {
        return events.stream().filter(e -> e.type().equals(ChangeEvent.NEW_FINDING)).toList();
    }
}
