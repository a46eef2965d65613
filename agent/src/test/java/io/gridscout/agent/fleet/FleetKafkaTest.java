package io.gridscout.agent.fleet;

import io.gridscout.protocols.testutil.Captures;

import org.junit.jupiter.api.Tag;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gridscout.agent.TestFiles;
import io.gridscout.agent.cli.Main;
import io.gridscout.agent.export.Inventories;
import io.gridscout.agent.output.InventoryJson;
import io.gridscout.mapping.inventory.Inventory;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fleet over a REAL Kafka 4.1.1 broker (KRaft, child JVM): three agents analyse three captures as three sites,
 * hubs build the fleet inventory; a broker outage while agents publish; two hubs in one group, one killed.
 * No mocks. One broker for the class; every wait is bounded; the broker is always stopped.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class FleetKafkaTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN = "fleet-test-token-0123456789";
    static final Map<String, String> SITES = Map.of(
            "north", "modbus-peer-mei-schneider-m340-pymodbus.pcap",
            "east", "mms-peer-libiec61850-identify-siprotec.pcap",
            "west", "dnp3-cisagov-dnp3_example.pcap");

    @TempDir
    static Path tmp;
    static KafkaBroker broker;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startBroker() throws Exception {
        broker = new KafkaBroker(Files.createDirectories(tmp.resolve("kafka")));
        broker.start(90);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) broker.close();
    }

    /** A kafka-config file with topics of their own, so the tests do not see each other's records. */
    static Path topics(String name) throws IOException, InterruptedException {
        Path p = tmp.resolve(name + ".properties");
        Files.writeString(p, "gridscout.topic.assets=" + name + ".assets\ngridscout.topic.events=" + name + ".events\n"
                + "gridscout.topic.findings=" + name + ".findings\n" + "gridscout.topic.communications=" + name + ".communications\n"
                + "session.timeout.ms=6000\nheartbeat.interval.ms=500\n");
        FleetConfig c = FleetConfig.of(broker.bootstrap(), p);
        Hub.createTopics(c, 6, (short) 1, 3_600_000L);
        return p;
    }

    /** What the hub must show for a site: the offline inventory's assets in the contract, with the site added. */
    static Map<String, JsonNode> expected(Map<String, List<String>> sites) throws IOException {
        Map<String, JsonNode> out = new TreeMap<>();
        for (Map.Entry<String, List<String>> e : sites.entrySet()) {
            Inventory inv = Inventories.analyze(e.getValue().stream().map(TestFiles::pcap).toList());
            for (Inventory.Asset a : inv.assets()) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                try (JsonGenerator g = JSON.getFactory().createGenerator(b)) {
                    InventoryJson.asset(g, a);
                }
                ObjectNode o = JSON.createObjectNode().put("site", e.getKey());
                o.setAll((ObjectNode) JSON.readTree(b.toByteArray()));
                out.put(e.getKey() + "/" + a.id(), o);
            }
        }
        return out;
    }

    static Map<String, JsonNode> byKey(JsonNode inventory) {
        Map<String, JsonNode> out = new TreeMap<>();
        for (JsonNode a : inventory.path("assets")) out.put(a.path("site").asText() + "/" + a.path("id").asText(), a);
        return out;
    }

    static JsonNode get(int port, String path) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) throw new IOException(path + ": HTTP " + r.statusCode());
        return JSON.readTree(r.body());
    }

    static JsonNode getQuietly(int port, String path) {
        try {
            return get(port, path);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** findings.json without what differs by who wrote it: the generator, and the site name (the hub names the site). */
    static JsonNode comparable(JsonNode findings) {
        ObjectNode o = ((ObjectNode) findings).deepCopy();
        o.remove("generator");
        o.remove("site");
        return o;
    }

    static <T> T await(int seconds, Supplier<T> probe, java.util.function.Predicate<T> done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        T last = probe.get();
        while (!done.test(last) && System.nanoTime() < deadline) {
            Thread.sleep(250);
            last = probe.get();
        }
        return last;
    }

    /** An in-process hub with its HTTP API. */
    record RunningHub(Hub hub, HubServer server) implements AutoCloseable {
        static RunningHub start(Path config, String group) throws IOException {
            PrometheusMeterRegistry reg = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            Hub hub = new Hub(FleetConfig.of(broker.bootstrap(), config), group);
            hub.bindMetrics(reg);
            HubServer server = new HubServer(new InetSocketAddress("127.0.0.1", 0), hub, TOKEN, reg);
            hub.start();
            return new RunningHub(hub, server);
        }

        JsonNode inventory() {
            try {
                return get(server.port(), "/api/v1/inventory");
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() throws InterruptedException {
            server.close();
            hub.close();
        }
    }

    @Tag(Captures.SHARED)
    @Test
    void threeAgentsOneHubTheHubInventoryIsTheUnionOfTheSites() throws Exception {
        Path cfg = topics("union");
        for (Map.Entry<String, String> e : SITES.entrySet()) {
            int rc = Main.run("analyze", "--quiet", "--publish", "--kafka-bootstrap", broker.bootstrap(), "--kafka-config", cfg.toString(),
                    "--site-name", e.getKey(), "--publish-timeout", "60", TestFiles.pcap(e.getValue()).toString());
            assertThat(rc).as(e.getKey()).isZero();
        }
        Map<String, JsonNode> want = expected(Map.of("north", List.of(SITES.get("north")), "east", List.of(SITES.get("east")),
                "west", List.of(SITES.get("west"))));
        try (RunningHub hub = RunningHub.start(cfg, "union-hub")) {
            JsonNode inv = await(60, hub::inventory, i -> byKey(i).equals(want));
            assertThat(byKey(inv)).isEqualTo(want);
            assertThat(inv.path("schema").asText()).isEqualTo(Inventory.SCHEMA);
            JsonNode north = get(hub.server().port(), "/api/v1/inventory?site=north");
            assertThat(north.path("assets")).allMatch(a -> a.path("site").asText().equals("north")).isNotEmpty();
            JsonNode sites = get(hub.server().port(), "/api/v1/sites");
            assertThat(sites.path("sites")).hasSize(3);
            for (JsonNode s : sites.path("sites")) {
                assertThat(s.path("events").asLong()).isEqualTo(1);
                assertThat(s.path("lastEvent").path("type").asText()).isEqualTo("snapshot");
            }
            JsonNode findings = get(hub.server().port(), "/api/v1/findings?site=north");
            assertThat(findings.path("findings")).isNotEmpty().allMatch(f -> f.path("site").asText().equals("north"));
            assertThat(findings.path("counts").path("findings").asLong()).isEqualTo(findings.path("findings").size());
            JsonNode all = get(hub.server().port(), "/api/v1/inventory");
            JsonNode page = get(hub.server().port(), "/api/v1/inventory?offset=1&limit=2");
            assertThat(page.path("assets")).hasSize(2);
            assertThat(page.path("assets").get(0)).isEqualTo(all.path("assets").get(1));
            assertThat(page.path("counts")).isEqualTo(all.path("counts"));
            assertThat(all.path("counts").path("bySite").path("east").asLong()).isEqualTo(2);
            JsonNode plcs = get(hub.server().port(), "/api/v1/inventory?class=plc&protocol=modbus");
            assertThat(plcs.path("assets")).singleElement().satisfies(a -> assertThat(a.path("vendor").asText()).isEqualTo("Schneider Electric"));
            String metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.server().port() + "/metrics"))
                    .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("gridscout_hub_consumer_lag_records 0.0").contains("kafka_consumer");
            // fleet-level evidence: the hub's report over one site is the offline evidence pack's findings.json for its capture
            for (Map.Entry<String, String> e : SITES.entrySet()) {
                Path pack = tmp.resolve("pack-" + e.getKey());
                assertThat(Main.run("analyze", "--quiet", "--report", pack.toString(), TestFiles.pcap(e.getValue()).toString())).isZero();
                JsonNode offline = comparable(JSON.readTree(pack.resolve("findings.json").toFile()));
                String path = "/api/v1/report?site=" + e.getKey();
                JsonNode fromHub = await(60, () -> comparable(getQuietly(hub.server().port(), path)), r -> r.equals(offline));
                assertThat(fromHub).as(e.getKey()).isEqualTo(offline);
                assertThat(offline.path("findings")).isNotEmpty();
            }
            JsonNode fleet = get(hub.server().port(), "/api/v1/report");
            assertThat(fleet.path("schema").asText()).isEqualTo("gridscout.evidence/1");
            assertThat(fleet.path("summary").path("assets").asLong()).isEqualTo(want.size());
            assertThat(fleet.path("captures")).hasSize(3);
            for (JsonNode f : fleet.path("findings")) {
                for (JsonNode a : f.path("assets")) assertThat(want).containsKey(a.asText());
            }
            packsFromTheHubEqualOfflinePacks(hub.hub());
            int unauth = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.server().port() + "/api/v1/inventory")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
            assertThat(unauth).isEqualTo(401);
        }
    }

    /**
     * The same hub behind a second HTTP server configured with {@code --sites}: north has a site.yaml (zones, a register),
     * east none. The packs the hub writes (through {@code gridscout report --hub}) have the offline pack's file names,
     * findings, assets.csv and reconciliation.csv; the zone filter follows north's zones.
     */
    static void packsFromTheHubEqualOfflinePacks(Hub hub) throws Exception {
        Path sitesDir = Files.createDirectories(tmp.resolve("sites"));
        String north = TestFiles.pcap(SITES.get("north")).toString();
        // the register: the capture's own assets.csv, one asset left out and one declared device never seen
        Path reg = sitesDir.resolve("north-register.csv");
        assertThat(Main.run("analyze", "--quiet", "--csv", reg.toString(), north)).isZero();
        List<String> lines = new ArrayList<>(Files.readAllLines(reg));
        assertThat(lines).hasSizeGreaterThan(2);
        lines.remove(lines.size() - 1);
        lines.add("127.0.0.5,127.0.0.5,,ACME,X,1.0,,ghost,plc,,,,");   // inside the field zone: declared, not seen
        Files.write(reg, lines);
        Files.writeString(sitesDir.resolve("north.yaml"), """
                site: north
                zones:
                  - {name: scada, kind: control-centre, cidrs: [127.0.0.1/32]}
                  - {name: field, kind: field, cidrs: [127.0.0.4/30]}
                writers: [127.0.0.9]
                register: north-register.csv
                """);
        Path tokenFile = tmp.resolve("hub.token");
        Files.writeString(tokenFile, TOKEN + "\n");
        HubSites sites = HubSites.load(sitesDir, null);
        PrometheusMeterRegistry reg2 = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (HubServer server = new HubServer(new InetSocketAddress("127.0.0.1", 0), hub, TOKEN, reg2, sites, "27019:2024")) {
            String url = "http://127.0.0.1:" + server.port();
            Map<String, List<String>> offlineArgs = Map.of(
                    "north", List.of("--site", sitesDir.resolve("north.yaml").toString(), north),
                    "east", List.of(TestFiles.pcap(SITES.get("east")).toString()));
            for (Map.Entry<String, List<String>> e : offlineArgs.entrySet()) {
                Path offline = tmp.resolve("offline-pack-" + e.getKey()), fromHub = tmp.resolve("hub-pack-" + e.getKey());
                List<String> args = new ArrayList<>(List.of("report", "--report", offline.toString()));
                args.addAll(e.getValue());
                assertThat(Main.run(args.toArray(String[]::new))).isZero();
                assertThat(Main.run("report", "--hub", url, "--token-file", tokenFile.toString(), "--site-name", e.getKey(),
                        "--report", fromHub.toString())).as(e.getKey()).isZero();
                assertThat(names(fromHub)).as(e.getKey()).isEqualTo(names(offline)).contains("findings.json", "report.html", "report.pdf", "assets.csv");
                assertThat(comparable(JSON.readTree(fromHub.resolve("findings.json").toFile())))
                        .as(e.getKey()).isEqualTo(comparable(JSON.readTree(offline.resolve("findings.json").toFile())));
                assertThat(Files.readString(fromHub.resolve("assets.csv"))).isEqualTo(Files.readString(offline.resolve("assets.csv")));
                assertThat(Files.readString(fromHub.resolve("report.pdf"), java.nio.charset.StandardCharsets.ISO_8859_1)).startsWith("%PDF");
                assertThat(Files.readString(fromHub.resolve("report.html"))).contains("27019");
            }
            // register reconciliation through the hub: the same rows as offline, and not trivially all matched
            assertThat(Files.readString(tmp.resolve("hub-pack-north/reconciliation.csv")))
                    .isEqualTo(Files.readString(tmp.resolve("offline-pack-north/reconciliation.csv")));
            JsonNode rec = JSON.readTree(tmp.resolve("hub-pack-north/findings.json").toFile()).path("summary").path("reconciliation");
            assertThat(rec.path("not-observed").asInt()).isEqualTo(1);
            assertThat(rec.path("unregistered").asInt()).isEqualTo(1);
            assertThat(tmp.resolve("hub-pack-east/reconciliation.csv")).doesNotExist();
            // the zones changed the evidence: north with its site.yaml is not the report without it
            assertThat(comparable(get(server.port(), "/api/v1/report?site=north"))).isNotEqualTo(comparable(JSON.readTree(tmp.resolve("pack-north/findings.json").toFile())));
            // zone filter, per the asset's own site
            JsonNode field = get(server.port(), "/api/v1/inventory?site=north&zone=field");
            assertThat(field.path("assets")).singleElement().satisfies(a -> {
                assertThat(a.path("ips").toString()).contains("127.0.0.4");
                assertThat(a.path("zone").asText()).isEqualTo("field");     // the zone field, as the agent's API gives it
            });
            JsonNode scada = get(server.port(), "/api/v1/inventory?zone=scada");
            assertThat(scada.path("assets")).isNotEmpty().allSatisfy(a -> {
                assertThat(a.path("site").asText()).isEqualTo("north");
                assertThat(a.path("ips").toString()).contains("127.0.0.1");
                assertThat(a.path("zone").asText()).isEqualTo("scada");
            });
            // a site without a site.yaml has no zones, so its assets carry no zone field
            assertThat(get(server.port(), "/api/v1/inventory?site=east").path("assets")).isNotEmpty().allSatisfy(a -> assertThat(a.has("zone")).isFalse());
            for (String bad : List.of("/api/v1/inventory?zone=moon", "/api/v1/inventory?site=east&zone=field", "/api/v1/report?site=north&format=doc")) {
                int code = HTTP.send(HttpRequest.newBuilder(URI.create(url + bad)).header("Authorization", "Bearer " + TOKEN).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                assertThat(code).as(bad).isEqualTo(400);
            }
            // a fleet-wide pack: every site's assets, ids prefixed with the site
            Path fleet = tmp.resolve("hub-pack-fleet");
            assertThat(Main.run("report", "--hub", url, "--token-file", tokenFile.toString(), "--report", fleet.toString())).isZero();
            assertThat(Files.readAllLines(fleet.resolve("assets.csv")).stream().skip(1)).isNotEmpty()
                    .allMatch(l -> l.startsWith("north/") || l.startsWith("east/") || l.startsWith("west/"));
        }
    }

    static List<String> names(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** One agent's history: snapshots of growing and shrinking captures, so assets appear and are retired. */
    static final List<List<String>> HISTORY = List.of(
            List.of("modbus-peer-mei-schneider-m340-pymodbus.pcap"),
            List.of("modbus-peer-mei-schneider-m340-pymodbus.pcap", "dnp3-cisagov-dnp3_example.pcap"),
            List.of("dnp3-cisagov-dnp3_example.pcap"),
            List.of("dnp3-cisagov-dnp3_example.pcap", "mms-peer-libiec61850-identify-siprotec.pcap"),
            List.of("mms-peer-libiec61850-identify-siprotec.pcap", "modbus-peer-mei-schneider-m340-pymodbus.pcap"));

    static void snapshot(Publisher p, String site, int step) throws IOException {
        p.snapshot(site, Inventories.analyze(HISTORY.get(step).stream().map(TestFiles::pcap).toList()), List.of(), 1_000_000_000L * (step + 1));
    }

    @Tag(Captures.SHARED)
    @Test
    void brokerOutageWhilePublishingLosesNothingAndDuplicatesNothing() throws Exception {
        long start = System.nanoTime();
        // the reference: the same history published with the broker up all the time
        Path ref = topics("reference");
        try (Outbox o = new InMemoryOutbox(); Publisher p = new Publisher(FleetConfig.of(broker.bootstrap(), ref), o, "27019:2024")) {
            for (int i = 0; i < HISTORY.size(); i++) {
                for (String site : List.of("s1", "s2")) snapshot(p, site, i);
                assertThat(p.drain(Duration.ofSeconds(60))).isTrue();
            }
        }
        Path out = topics("outage");
        Path db = tmp.resolve("agent-store.sqlite");
        FleetConfig cfg = FleetConfig.of(broker.bootstrap(), out);
        SqliteOutbox box = new SqliteOutbox(db, "fleet_outbox");
        Publisher pub = new Publisher(cfg, box, "27019:2024");
        for (String site : List.of("s1", "s2")) snapshot(pub, site, 0);
        assertThat(pub.drain(Duration.ofSeconds(60))).isTrue();
        for (String site : List.of("s1", "s2")) snapshot(pub, site, 1);
        System.err.printf("reference and first step: %.1f s%n", (System.nanoTime() - start) / 1e9);
        broker.kill(); // mid-stream: step 1 may be partly sent
        pub.drain(Duration.ofSeconds(2));
        for (String site : List.of("s1", "s2")) snapshot(pub, site, 2);
        assertThat(pub.drain(Duration.ofSeconds(3))).isFalse();
        long waiting = box.pending();
        assertThat(waiting).isPositive();
        // the agent restarts during the outage: the outbox is a file
        pub.close();
        box.close();
        box = new SqliteOutbox(db, "fleet_outbox");
        assertThat(box.pending()).isEqualTo(waiting);
        pub = new Publisher(cfg, box, "27019:2024");
        for (String site : List.of("s1", "s2")) snapshot(pub, site, 3);
        long t0 = System.nanoTime();
        broker.start(90);
        System.err.printf("broker restarted in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        for (String site : List.of("s1", "s2")) snapshot(pub, site, 4);
        t0 = System.nanoTime();
        assertThat(pub.drain(Duration.ofSeconds(90))).isTrue();
        System.err.printf("outbox drained in %.1f s after the restart%n", (System.nanoTime() - t0) / 1e9);
        assertThat(box.pending()).isZero();
        pub.close();
        box.close();
        System.err.printf("outage run done at %.1f s%n", (System.nanoTime() - start) / 1e9);
        try (RunningHub a = RunningHub.start(ref, "ref-hub"); RunningHub b = RunningHub.start(out, "outage-hub")) {
            Map<String, JsonNode> want = expected(Map.of("s1", HISTORY.get(4), "s2", HISTORY.get(4)));
            JsonNode refInv = await(60, a::inventory, i -> byKey(i).equals(want));
            JsonNode outInv = await(60, b::inventory, i -> byKey(i).equals(want));
            assertThat(byKey(refInv)).isEqualTo(want);
            assertThat(byKey(outInv)).isEqualTo(byKey(refInv));
            JsonNode refSites = get(a.server().port(), "/api/v1/sites"), outSites = get(b.server().port(), "/api/v1/sites");
            for (int i = 0; i < 2; i++) {
                assertThat(refSites.path("sites").get(i).path("events").asLong()).isEqualTo(HISTORY.size());
                assertThat(outSites.path("sites").get(i).path("events").asLong()).isEqualTo(HISTORY.size());
            }
        }
    }

    @Tag(Captures.SHARED)
    @Test
    void twoHubsOneKilledTheSurvivorSeesEverything() throws Exception {
        Path cfg = topics("ha");
        FleetConfig config = FleetConfig.of(broker.bootstrap(), cfg);
        Map<String, List<String>> sites = new TreeMap<>();
        try (Outbox o = new InMemoryOutbox(); Publisher p = new Publisher(config, o, "27019:2024")) {
            for (Map.Entry<String, String> e : SITES.entrySet()) {
                p.snapshot(e.getKey(), Inventories.analyze(List.of(TestFiles.pcap(e.getValue()))), List.of(), 1L);
                sites.put(e.getKey(), List.of(e.getValue()));
            }
            assertThat(p.drain(Duration.ofSeconds(60))).isTrue();
            Path token = tmp.resolve("hub.token");
            Files.writeString(token, TOKEN);
            int portA = KafkaBroker.freePort();
            // hub A: the real command in its own JVM, so it can be killed like a crashed host
            Process a = KafkaBroker.java(List.of("io.gridscout.agent.cli.Main", "hub", "--kafka-bootstrap", broker.bootstrap(),
                    "--kafka-config", cfg.toString(), "--listen", "127.0.0.1:" + portA, "--token-file", token.toString(), "--group", "ha-hubs"))
                    .redirectOutput(tmp.resolve("hub-a.log").toFile()).redirectErrorStream(true).start();
            try (RunningHub b = RunningHub.start(cfg, "ha-hubs")) {
                // both members own part of the partitions
                JsonNode statusA = await(60, () -> {
                    try {
                        return get(portA, "/api/v1/status");
                    } catch (IOException | InterruptedException e) {
                        return JSON.createObjectNode();
                    }
                }, s -> s.path("partitions").size() > 0 && s.path("lag").asLong(-1) == 0 && b.hub().owned().size() > 0
                        && b.hub().owned().size() + s.path("partitions").size() == 24);
                assertThat(statusA.path("partitions").size()).as("hub A partitions").isPositive();
                assertThat(b.hub().owned().size()).as("hub B partitions").isBetween(1, 17);
                a.destroyForcibly();
                assertThat(a.waitFor(20, TimeUnit.SECONDS)).isTrue();
                // mid-stream: a fourth site arrives while the group has not noticed the crash yet
                p.snapshot("south", Inventories.analyze(List.of(TestFiles.pcap("s7comm-cisagov-s7ident.pcap"))), List.of(), 2L);
                sites.put("south", List.of("s7comm-cisagov-s7ident.pcap"));
                assertThat(p.drain(Duration.ofSeconds(30))).isTrue();
                Map<String, JsonNode> want = expected(sites);
                JsonNode inv = await(60, b::inventory, i -> byKey(i).equals(want));
                assertThat(byKey(inv)).isEqualTo(want);
                assertThat(b.hub().owned()).hasSize(24);
            } finally {
                a.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    /** An outbox that "forgets" to remove the first batch Kafka acknowledged: every record goes out twice. */
    static final class ResendingOutbox implements Outbox {
        final InMemoryOutbox inner = new InMemoryOutbox();
        boolean forgot;

        public String sourceId() { return inner.sourceId(); }
        public long append(List<Pending> records) { return inner.append(records); }
        public List<Entry> peek(int max) { return inner.peek(max); }
        public void remove(long seq) { if (forgot) inner.remove(seq); forgot = true; }
        public long pending() { return inner.pending(); }
        public java.util.Set<String> liveKeys(String topic, String prefix) { return inner.liveKeys(topic, prefix); }
        public void close() {}
    }

    @Tag(Captures.SHARED)
    @Test
    void recordsSentTwiceAreCountedOnce() throws Exception {
        Path cfg = topics("resend");
        ResendingOutbox box = new ResendingOutbox();
        try (Publisher p = new Publisher(FleetConfig.of(broker.bootstrap(), cfg), box, "27019:2024")) {
            for (int i = 0; i < 3; i++) snapshot(p, "r1", i);
            long records = box.pending();
            assertThat(p.drain(Duration.ofSeconds(60))).isTrue();
            assertThat(p.sent()).isEqualTo(2 * records);
        }
        try (RunningHub hub = RunningHub.start(cfg, "resend-hub")) {
            Map<String, JsonNode> want = expected(Map.of("r1", HISTORY.get(2)));
            JsonNode inv = await(60, hub::inventory, i -> byKey(i).equals(want));
            assertThat(byKey(inv)).isEqualTo(want);
            JsonNode status = await(30, () -> {
                try {
                    return get(hub.server().port(), "/api/v1/status");
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }, st -> st.path("lag").asLong() == 0);
            assertThat(status.path("duplicates").asLong()).isPositive();
            assertThat(get(hub.server().port(), "/api/v1/sites").path("sites").get(0).path("events").asLong()).isEqualTo(3);
        }
    }

    /**
     * The measured run behind docs/fleet.md's sizing: 20 sites x 1,000 assets (clones of real assets with their
     * services and attributes) published through the outbox, then one hub rebuilding the whole fleet. Prints the
     * numbers; asserts only completeness.
     */
    @Tag(Captures.SHARED)
    @Test
    void measuredRunForSizing() throws Exception {
        Path cfg = topics("sizing");
        Inventory real = Inventories.analyze(SITES.values().stream().map(TestFiles::pcap).toList());
        int sites = 20, perSite = 1000;
        long bytes = 0, records = 0;
        long t0 = System.nanoTime();
        try (Outbox box = new InMemoryOutbox(); Publisher p = new Publisher(FleetConfig.of(broker.bootstrap(), cfg), box, "27019:2024")) {
            for (int s = 0; s < sites; s++) {
                List<Inventory.Asset> assets = new ArrayList<>(perSite);
                for (int i = 0; i < perSite; i++) {
                    Inventory.Asset a = real.assets().get(i % real.assets().size());
                    String ip = "10." + s + "." + (i / 250) + "." + (i % 250 + 1);
                    assets.add(new Inventory.Asset(ip, a.macs(), List.of(ip), a.vendor(), a.model(), a.firmware(), a.serial(), a.name(),
                            a.deviceClass(), a.classConfidence(), a.classRules(), a.services(), a.attributes(), a.firstSeen(), a.lastSeen()));
                }
                p.snapshot("site" + s, new Inventory(real.captures(), assets, List.of(), Map.of()), List.of(), 1L);
            }
            for (Outbox.Entry e : box.peek(Integer.MAX_VALUE)) {
                bytes += e.key().length() + (e.value() == null ? 0 : e.value().length);
                records++;
            }
            long t1 = System.nanoTime();
            assertThat(p.drain(Duration.ofSeconds(120))).isTrue();
            long t2 = System.nanoTime();
            try (RunningHub hub = RunningHub.start(cfg, "sizing-hub")) {
                final long n = records;
                await(120, () -> hub.hub().store().applied(), a -> a >= n);
                long t3 = System.nanoTime();
                JsonNode inv = hub.inventory();
                long t4 = System.nanoTime();
                assertThat(inv.path("assets").size()).isEqualTo(sites * perSite);
                long disk;
                try (var files = Files.walk(broker.dir.resolve("data"))) {
                    disk = files.filter(f -> f.toString().contains("sizing.assets-") && f.toString().endsWith(".log"))
                            .mapToLong(f -> f.toFile().length()).sum();
                }
                String report = String.format("sizing run: %d sites x %d assets, %d records, %.0f bytes/record (key+value, uncompressed), "
                                + "%.0f bytes/asset on disk (lz4 batches), outbox append %.2f s, publish (acks=all, lz4) %.2f s = %.0f records/s %.1f MB/s, "
                                + "hub join + rebuild %.2f s = %.0f records/s, full fleet JSON answer (%d assets) %.2f s%n",
                        sites, perSite, records, (double) bytes / records, (double) disk / (sites * perSite), (t1 - t0) / 1e9, (t2 - t1) / 1e9,
                        records / ((t2 - t1) / 1e9), bytes / ((t2 - t1) / 1e9) / 1e6, (t3 - t2) / 1e9, records / ((t3 - t2) / 1e9),
                        sites * perSite, (t4 - t3) / 1e9);
                System.err.print(report);
                Files.writeString(Path.of("target", "fleet-sizing.txt"), report);
            }
        }
    }

    @Tag(Captures.SHARED)
    @Test
    void analyzeKeepsRecordsInItsOutboxWhileKafkaIsUnreachableAndSendsThemNextRun() throws Exception {
        Path cfg = topics("cli-outbox");
        Path db = tmp.resolve("cli-store.sqlite");
        String dead = "127.0.0.1:" + KafkaBroker.freePort();
        int rc = Main.run("analyze", "--quiet", "--publish", "--kafka-bootstrap", dead, "--kafka-config", cfg.toString(), "--site-name", "lonely",
                "--outbox", db.toString(), "--publish-timeout", "2", TestFiles.pcap(HISTORY.get(0).get(0)).toString());
        assertThat(rc).isEqualTo(1);
        long waiting;
        try (SqliteOutbox box = new SqliteOutbox(db, "fleet_outbox")) {
            waiting = box.pending();
        }
        assertThat(waiting).isPositive();
        rc = Main.run("analyze", "--quiet", "--publish", "--kafka-bootstrap", broker.bootstrap(), "--kafka-config", cfg.toString(), "--site-name", "lonely",
                "--outbox", db.toString(), "--publish-timeout", "60", TestFiles.pcap(HISTORY.get(2).get(0)).toString());
        assertThat(rc).isZero();
        try (SqliteOutbox box = new SqliteOutbox(db, "fleet_outbox")) {
            assertThat(box.pending()).isZero();
        }
        try (RunningHub hub = RunningHub.start(cfg, "cli-outbox-hub")) {
            // the second run retired the first run's assets: only the second capture's assets remain, after two events
            Map<String, JsonNode> want = expected(Map.of("lonely", List.of(HISTORY.get(2).get(0))));
            JsonNode inv = await(60, hub::inventory, i -> byKey(i).equals(want));
            assertThat(byKey(inv)).isEqualTo(want);
            JsonNode sites = await(30, () -> {
                try {
                    return get(hub.server().port(), "/api/v1/sites");
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }, x -> x.path("sites").path(0).path("events").asLong() == 2);
            assertThat(sites.path("sites").get(0).path("events").asLong()).isEqualTo(2);
            assertThat(sites.path("sites").get(0).path("lastEvent").path("retired")).isNotEmpty();
        }
    }
}
