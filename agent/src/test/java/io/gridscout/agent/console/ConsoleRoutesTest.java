package io.gridscout.agent.console;

import io.gridscout.protocols.testutil.Captures;

import org.junit.jupiter.api.Tag;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gridscout.agent.TestFiles;
import io.gridscout.agent.api.ApiToken;
import io.gridscout.agent.cli.Main;
import io.gridscout.agent.daemon.AgentEngine;
import io.gridscout.agent.evidence.RegisterReader;
import io.gridscout.agent.evidence.SiteYaml;
import io.gridscout.mapping.inventory.Inventory;
import io.gridscout.mapping.site.SiteContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The console's routes without a browser: escaping, map aggregation, paging at 10k assets, analyze --serve. */
class ConsoleRoutesTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void oneEscapingFunctionCoversTextAndAttributes() {
        assertThat(Html.esc("<img src=x onerror=alert(1)>")).isEqualTo("&lt;img src=x onerror=alert(1)&gt;");
        assertThat(Html.esc("\"><script>alert(2)</script>")).isEqualTo("&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;");
        assertThat(Html.esc("a'b&c\u0000d")).isEqualTo("a&#39;b&amp;c\uFFFDd");
        assertThat(Html.esc(null)).isEmpty();
        assertThat(Html.esc("plain")).isEqualTo("plain");
    }

    /** {@code n} synthetic assets in /24s of 100, each a Modbus server polled by one HMI per subnet. */
    static Inventory synthetic(int n) {
        List<Inventory.Asset> assets = new ArrayList<>();
        List<Inventory.Communication> comms = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String ip = "10." + (i / 25_600) + "." + (i / 100 % 256) + "." + (i % 100 + 1);
            String cls = i % 100 == 0 ? "hmi" : "plc";
            assets.add(new Inventory.Asset(ip, List.of(), List.of(ip), i % 3 == 0 ? "Vendor <" + (i % 7) + ">" : null, "M" + i, null, null,
                    "dev-" + i, cls, 0.8, List.of("r"), List.of(new Inventory.Service("modbus", cls.equals("hmi") ? "client" : "server", "tcp", 502, Map.of())),
                    List.of(new Inventory.Attribute("model", "M" + i, "modbus.mei", 0.95, 1, 2)), 1_000_000_000L * i, 2_000_000_000L * i));
            if (i % 100 != 0) {
                String hmi = "10." + (i / 25_600) + "." + (i / 100 % 256) + ".1";
                comms.add(new Inventory.Communication(hmi, ip, "modbus", "tcp", 502, 10, 1000,
                        List.of(new Inventory.Operation(6, "write_single_register", 1, "WRITE")), List.of(), 1, 2));
            }
        }
        return new Inventory(List.of(), assets, comms, Map.of("packets", 1L));
    }

    static ConsoleRoutes routes(Inventory inv, Path tmp, int aggregateAbove) throws Exception {
        ApiToken t = ApiToken.loadOrCreate(tmp.resolve("tok"));
        return new ConsoleRoutes(ConsoleModel.offline(inv, Map.of(), SiteContext.empty(), null, null, "test"), t, false, aggregateAbove);
    }

    static ConsoleRoutes.Reply get(ConsoleRoutes r, Path tmp, String uri, boolean htmx) throws Exception {
        String token = Files.readString(tmp.resolve("tok")).trim();
        return r.handle(new ConsoleRoutes.Request("GET", uri, ConsoleRoutes.COOKIE + "=" + token, null, htmx, new byte[0]));
    }

    @Test
    void mapAggregatesBySubnetAboveTheThresholdAndExpandsOnDemand() throws Exception {
        ConsoleRoutes r = routes(synthetic(1000), tmp, 500);
        JsonNode g = JSON.readTree(get(r, tmp, "/console/map.json", false).body());
        assertThat(g.get("aggregated").asBoolean()).isTrue();
        assertThat(g.get("nodes")).hasSize(10);   // ten /24s of 100
        assertThat(g.get("edges")).isEmpty();      // all traffic stays inside its subnet
        JsonNode x = JSON.readTree(get(r, tmp, "/console/map.json?expand=" + ConsoleRoutes.enc(ConsoleRoutes.enc("10.0.3.0/24")), false).body());
        // nine groups, the expanded subnet as a compound parent and its hundred assets
        assertThat(x.get("nodes")).hasSize(9 + 1 + 100);
        assertThat(x.get("edges")).hasSize(99);
        for (JsonNode e : x.get("edges")) assertThat(e.get("classes").asText()).isEqualTo("danger");   // writes are marked
        JsonNode small = JSON.readTree(get(routes(synthetic(300), tmp.resolve("s"), 500), tmp.resolve("s"), "/console/map.json", false).body());
        assertThat(small.get("aggregated").asBoolean()).isFalse();
        assertThat(small.get("nodes")).hasSize(300);
    }

    @Test
    void assetPagesFilterSortAndPageTenThousandAssets() throws Exception {
        // speed is the benchmark's business (no timed assertions in unit tests): this checks the paging is right
        ConsoleRoutes r = routes(synthetic(10_000), tmp, 500);
        ConsoleRoutes.Reply rep = get(r, tmp, "/console/assets?q=dev-99&sort=vendor&dir=desc&page=1", true);
        String body = new String(rep.body(), StandardCharsets.UTF_8);
        assertThat(body).contains("data-count=\"111\"");   // dev-99, dev-990..999, dev-9900..9999
        String full = new String(get(r, tmp, "/console/assets?page=200", false).body(), StandardCharsets.UTF_8);
        assertThat(full).contains("page 200 of 200").contains("Vendor &lt;");
        assertThat(countRows(full)).isEqualTo(50);
        assertThat(get(r, tmp, "/console/assets?sort=nope", false).status()).isEqualTo(400);
        assertThat(get(r, tmp, "/console/assets?page=%zz", false).status()).isEqualTo(400);
    }

    static int countRows(String html) {
        int n = 0;
        for (int i = html.indexOf("<tr class=\"asset\">"); i >= 0; i = html.indexOf("<tr class=\"asset\">", i + 1)) n++;
        return n;
    }

    @Test
    void loginNeedsTheTokenAndLogoutClearsTheCookie() throws Exception {
        ConsoleRoutes r = routes(synthetic(5), tmp, 500);
        String token = Files.readString(tmp.resolve("tok")).trim();
        assertThat(r.handle(new ConsoleRoutes.Request("GET", "/", null, null, false, null)).status()).isEqualTo(303);
        assertThat(r.handle(new ConsoleRoutes.Request("POST", "/login", null, null, false, "token=nope".getBytes())).status()).isEqualTo(401);
        ConsoleRoutes.Reply ok = r.handle(new ConsoleRoutes.Request("POST", "/login", null, null, false, ("token=" + token).getBytes()));
        assertThat(ok.status()).isEqualTo(303);
        assertThat(ok.headers().get("Set-Cookie")).isEqualTo(ConsoleRoutes.COOKIE + "=" + token + "; Path=/; HttpOnly; SameSite=Strict");
        assertThat(r.handle(new ConsoleRoutes.Request("GET", "/", null, "Bearer " + token, false, null)).status()).isEqualTo(200);
        assertThat(r.handle(new ConsoleRoutes.Request("POST", "/logout", null, null, false, null)).headers().get("Set-Cookie")).contains("Max-Age=0");
        assertThat(r.handle(new ConsoleRoutes.Request("DELETE", "/", null, "Bearer " + token, false, null)).status()).isEqualTo(405);
    }

    @Tag(Captures.SHARED)
    @Test
    void liveConsoleUsesTheAgentsSiteAndRegister() throws Exception {
        String capture = TestFiles.pcap("bacnet-cisagov-bacnet_example.pcap").toString();
        Path csv = tmp.resolve("register.csv");
        assertThat(Main.run("analyze", "--quiet", "--csv", csv.toString(), capture)).isZero();
        List<String> lines = new ArrayList<>(Files.readAllLines(csv, StandardCharsets.UTF_8));
        lines.remove(lines.size() - 1);                                           // one observed device left out: unregistered
        lines.add("172.20.32.240,172.20.32.240,,ACME,X,1.0,,ghost,plc,,,,");     // one declared device never seen: not-observed
        Files.write(csv, lines, StandardCharsets.UTF_8);
        SiteContext site = SiteYaml.read(Files.writeString(tmp.resolve("site.yaml"), """
                site: Campus
                zones:
                  - {name: bms, kind: plant, cidrs: [172.20.32.0/24]}
                """));
        // as AgentCommand builds them: the engine gets the site and register, the live console takes them from it
        AgentEngine engine = new AgentEngine(AgentEngine.Settings.defaults(), null, site, RegisterReader.read(csv));
        ConsoleModel model = ConsoleModel.live(engine, null, "test");
        engine.ingestFile(Path.of(capture));
        engine.tick(AgentEngine.wallNanos());
        assertThat(model.site().name()).isEqualTo("Campus");
        assertThat(model.group(model.inventory().assets().get(0))).isEqualTo("zone bms");
        ConsoleRoutes r = new ConsoleRoutes(model, ApiToken.loadOrCreate(tmp.resolve("tok")), false, 500);
        String reg = new String(get(r, tmp, "/console/register", false).body(), StandardCharsets.UTF_8);
        assertThat(reg).doesNotContain("id=\"no-register\"").contains("id=\"reconciliation\"")
                .contains("class=\"rec-matched\"").contains("class=\"rec-unregistered\"").contains("<tr class=\"rec-not-observed\"><td>not-observed</td><td>172.20.32.240</td>");
        // the unregistered device is a finding of the live agent too
        assertThat(new String(get(r, tmp, "/console/findings", false).body(), StandardCharsets.UTF_8)).contains("ER-01");
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    @Test
    void analyzeServeServesTheConsoleOfAnOfflineAnalysis() throws Exception {
        int port = freePort();
        Path tokenFile = tmp.resolve("token");
        Thread t = new Thread(() -> Main.run("analyze", "--quiet", "--serve", "--listen", "127.0.0.1:" + port, "--token-file", tokenFile.toString(),
                TestFiles.pcap("modbus-peer-mei-schneider-m340-pymodbus.pcap").toString()), "analyze-serve");
        t.setDaemon(true);   // it serves until the JVM ends, as it would until Ctrl-C
        t.start();
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                break;
            } catch (java.io.IOException e) {
                assertThat(System.currentTimeMillis()).as("console listening").isLessThan(deadline);
                Thread.sleep(100);
            }
        }
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + port;
        String token = Files.readString(tokenFile).trim();
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(base + "/login")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + ConsoleRoutes.enc(token))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).isEqualTo(303);
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        HttpResponse<String> overview = http.send(HttpRequest.newBuilder(URI.create(base + "/")).header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(overview.statusCode()).isEqualTo(200);
        assertThat(overview.headers().firstValue("Content-Security-Policy")).hasValue(ConsoleRoutes.CSP);
        assertThat(overview.body()).contains("offline analysis").contains("modbus-peer-mei-schneider-m340-pymodbus.pcap");
        HttpResponse<String> assets = http.send(HttpRequest.newBuilder(URI.create(base + "/console/assets?q=schneider")).header("Cookie", cookie).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(assets.body()).contains("Schneider Electric");
        HttpResponse<byte[]> zip = http.send(HttpRequest.newBuilder(URI.create(base + "/console/download/evidence-pack.zip")).header("Cookie", cookie).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(zip.statusCode()).isEqualTo(200);
        assertThat(new String(zip.body(), StandardCharsets.ISO_8859_1)).startsWith("PK").contains("evidence-pack/findings.json");
    }
}
