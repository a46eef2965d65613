package io.gridscout.agent.console;

import io.gridscout.protocols.testutil.Captures;

import org.junit.jupiter.api.Tag;

import io.gridscout.agent.PcapEdit;
import io.gridscout.agent.TestFiles;
import io.gridscout.agent.api.AgentMetrics;
import io.gridscout.agent.api.ApiRoutes;
import io.gridscout.agent.api.ApiServer;
import io.gridscout.agent.api.ApiToken;
import io.gridscout.agent.daemon.AgentEngine;
import io.gridscout.mapping.inventory.Inventory;
import io.gridscout.protocols.capture.CaptureWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;

import static io.gridscout.protocols.testutil.Frames.ACK;
import static io.gridscout.protocols.testutil.Frames.PSH;
import static io.gridscout.protocols.testutil.Frames.SYN;
import static io.gridscout.protocols.testutil.Frames.concat;
import static io.gridscout.protocols.testutil.Frames.hex;
import static io.gridscout.protocols.testutil.Frames.tcpFrame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The web console in a real browser: Debian's chromium driven by chromedriver (both installed by .ci/run)
 * against an in-process agent engine and the agent's HTTP server. Screenshots go to agent/target/console-screenshots.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag(Captures.SHARED)
class ConsoleBrowserTest {
    static final String XSS1 = "<img src=x onerror=alert(1)>";
    static final String XSS2 = "\"><script>alert(2)</script>";
    static final List<String> FILES = List.of("modbus-iti-ModbusTCP-plant1.pcap", "enip-cisagov-enip_cip_example.pcap",
            "bacnet-cisagov-bacnet_example.pcap");

    @TempDir
    static Path tmp;
    static AgentEngine engine;
    static ConsoleModel model;
    static ApiServer server;
    static String token, base;
    static WebDriver driver;
    static Path shots;
    static final HttpClient http = HttpClient.newHttpClient();

    /** Modbus/TCP device identification whose VendorName is {@link #XSS1}, built byte by byte (MBAP and object lengths consistent). */
    static byte[] hostileModbus() {
        byte[] vendor = XSS1.getBytes(StandardCharsets.US_ASCII), product = "'><svg onload=alert(3)>".getBytes(StandardCharsets.US_ASCII),
                rev = "v1.0".getBytes(StandardCharsets.US_ASCII);
        byte[] pdu = concat(hex("2b0e01 01 00 00 03"), new byte[] {0x00, (byte) vendor.length}, vendor, new byte[] {0x01, (byte) product.length}, product,
                new byte[] {0x02, (byte) rev.length}, rev);
        byte[] rsp = concat(new byte[] {0, 1, 0, 0, (byte) ((pdu.length + 1) >> 8), (byte) (pdu.length + 1), (byte) 0xff}, pdu);
        byte[] req = hex("000100000005ff2b0e0100");
        String c = "10.9.9.1", s = "10.9.9.2";
        long t = 1_700_000_000_000_000_000L;
        List<CaptureWriter.Packet> p = new ArrayList<>();
        p.add(new CaptureWriter.Packet(t, tcpFrame(c, 40000, s, 502, 1000, 0, SYN, new byte[0])));
        p.add(new CaptureWriter.Packet(t + 1000, tcpFrame(s, 502, c, 40000, 5000, 1001, SYN | ACK, new byte[0])));
        p.add(new CaptureWriter.Packet(t + 2000, tcpFrame(c, 40000, s, 502, 1001, 5001, ACK, new byte[0])));
        p.add(new CaptureWriter.Packet(t + 3000, tcpFrame(c, 40000, s, 502, 1001, 5001, PSH | ACK, req)));
        p.add(new CaptureWriter.Packet(t + 4000, tcpFrame(s, 502, c, 40000, 5001, 1001 + req.length, PSH | ACK, rsp)));
        return CaptureWriter.pcap(1, p, false, ByteOrder.LITTLE_ENDIAN);
    }

    @BeforeAll
    static void start() throws Exception {
        engine = new AgentEngine(AgentEngine.Settings.defaults(), null);
        model = ConsoleModel.live(engine, null, "test");
        for (String f : FILES) engine.ingestFile(TestFiles.pcap(f));
        Path mb = tmp.resolve("hostile-modbus.pcap");
        Files.write(mb, hostileModbus());
        engine.ingestFile(mb);
        // OPC UA: the Milo client's ApplicationName replaced in place (same length keeps every length field right)
        String milo = "SCADA Collector (Eclipse Milo)";
        Path ua = tmp.resolve("hostile-opcua.pcap");
        Files.write(ua, PcapEdit.edit(Files.readAllBytes(TestFiles.pcap("opcua-peer-nodeopcua-server-milo-client.pcap")), milo,
                XSS2 + " ".repeat(milo.length() - XSS2.length()), 0));
        engine.ingestFile(ua);
        engine.tick(AgentEngine.wallNanos());

        Path tokenFile = tmp.resolve("api-token");
        ApiToken t = ApiToken.loadOrCreate(tokenFile);
        token = Files.readString(tokenFile).trim();
        server = new ApiServer("127.0.0.1", 0, new ApiRoutes(engine, new AgentMetrics(engine, null, List.of()), t, "test"), null,
                new ConsoleRoutes(model, t, false));
        base = "http://127.0.0.1:" + server.port();

        assertThat(Path.of("/usr/bin/chromedriver")).as("chromedriver (apt-get install chromium-driver; .ci/run does it)").isExecutable();
        System.setProperty("webdriver.chrome.driver", "/usr/bin/chromedriver");
        ChromeDriverService svc = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        ChromeOptions o = new ChromeOptions();
        o.setBinary("/usr/bin/chromium");
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1400,1000",
                "--user-data-dir=" + Files.createTempDirectory(tmp, "chromium"));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        o.setCapability("goog:loggingPrefs", logs);
        driver = new ChromeDriver(svc, o);
        shots = TestFiles.root().resolve("agent/target/console-screenshots");
        Files.createDirectories(shots);
    }

    @AfterAll
    static void stop() {
        if (driver != null) driver.quit();
        if (server != null) server.close();
    }

    /** The browser logs the 401 that answers the wrong-token login of the first test; that one is expected. */
    static final java.util.regex.Pattern WRONG_TOKEN_401 = java.util.regex.Pattern.compile("/login - Failed to load resource: .* 401 ");

    static WebDriverWait waitFor() {
        // htmx and the event stream replace rows while we look at them: a stale row means "look again"
        WebDriverWait w = new WebDriverWait(driver, Duration.ofSeconds(20));
        w.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return w;
    }

    static void shot(String name) throws Exception {
        Files.write(shots.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    /** No alert, no console message of level WARNING or above (CSP violations, script errors, failed loads). */
    static void clean() throws Exception {
        Thread.sleep(300);   // an injected onerror handler would fire after the image fails
        assertThatThrownBy(() -> driver.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
        List<LogEntry> bad = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue())
                .filter(e -> !WRONG_TOKEN_401.matcher(e.getMessage()).find())   // logged by the browser by design, whenever it lands
                .toList();
        assertThat(bad).as("browser console").isEmpty();
    }

    static void login() {
        driver.get(base + "/");
        if (driver.getCurrentUrl().endsWith("/login")) {
            driver.findElement(By.id("token")).sendKeys(token);
            driver.findElement(By.id("login")).click();
            waitFor().until(d -> d.getTitle().startsWith("Overview"));
        }
    }

    static Object js(String script) {
        return ((JavascriptExecutor) driver).executeScript(script);
    }

    @Test
    @Order(1)
    void loginSetsAnHttpOnlyStrictCookie() throws Exception {
        driver.get(base + "/");
        assertThat(driver.getCurrentUrl()).endsWith("/login");
        shot("login");
        driver.findElement(By.id("token")).sendKeys("wrong-token-wrong-token");
        driver.findElement(By.id("login")).click();
        // the answer comes back asynchronously: wait for it (a loaded CI machine is slow to render it)
        String loginError = waitFor().until(d -> {
            String t = d.findElement(By.id("login-error")).getText();
            return t.isEmpty() ? null : t;
        });
        assertThat(loginError).isEqualTo("Wrong token.");
        login();
        assertThat(driver.findElement(By.id("asset-count")).getText()).isEqualTo(Integer.toString(engine.inventory().assets().size()));
        var cookie = driver.manage().getCookieNamed(ConsoleRoutes.COOKIE);
        assertThat(cookie.isHttpOnly()).isTrue();
        assertThat(cookie.getSameSite()).isEqualTo("Strict");
        assertThat(js("return document.cookie")).isEqualTo("");   // invisible to scripts
        shot("overview");
        clean();

        // the API still takes the bearer header, and the cookie
        assertThat(get("/api/v1/assets", "Bearer " + token, null).statusCode()).isEqualTo(200);
        assertThat(get("/api/v1/assets", null, ConsoleRoutes.COOKIE + "=" + token).statusCode()).isEqualTo(200);
        assertThat(get("/api/v1/assets", null, null).statusCode()).isEqualTo(401);
        assertThat(get("/console/assets", null, null).statusCode()).isEqualTo(303);
    }

    static HttpResponse<String> get(String path, String auth, String cookie) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        if (auth != null) b.header("Authorization", auth);
        if (cookie != null) b.header("Cookie", cookie);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(2)
    void searchFiltersServerSideAndOpensTheAsset() throws Exception {
        login();
        driver.get(base + "/console/assets");
        int all = engine.inventory().assets().size();
        assertThat(driver.findElement(By.id("match-count")).getAttribute("data-count")).isEqualTo(Integer.toString(all));
        Inventory.Asset target = engine.inventory().assets().stream().filter(a -> a.ips().contains("10.9.9.2")).findFirst().orElseThrow();
        driver.findElement(By.id("q")).sendKeys("10.9.9.2");
        waitFor().until(d -> "1".equals(d.findElement(By.id("match-count")).getAttribute("data-count")));
        assertThat(driver.getCurrentUrl()).contains("q=10.9.9.2");   // htmx pushed the search into the address
        shot("assets-search");
        clean();
        driver.findElement(By.cssSelector("#assets tbody a")).click();
        waitFor().until(d -> d.getTitle().startsWith("Asset"));
        assertThat(driver.findElement(By.cssSelector(".v-id")).getText()).isEqualTo(target.id());
        assertThat(driver.findElements(By.cssSelector("#attributes tr.attribute"))).hasSize(target.attributes().size());
        clean();
    }

    @Test
    @Order(3)
    void hostileWireStringsAreShownLiterally() throws Exception {
        login();
        Inventory inv = engine.inventory();
        Inventory.Asset mb = inv.assets().stream().filter(a -> XSS1.equals(a.vendor())).findFirst().orElseThrow();
        Inventory.Asset ua = inv.assets().stream().filter(a -> a.attributes().stream().anyMatch(x -> x.value().startsWith(XSS2))).findFirst().orElseThrow();
        for (Inventory.Asset a : List.of(mb, ua)) {
            driver.get(base + ConsoleRoutes.assetHref(a.id()));
            clean();
            List<String> values = driver.findElements(By.cssSelector("#attributes td.value")).stream().map(WebElement::getText).toList();
            assertThat(values).anyMatch(v -> v.equals(XSS1) || v.startsWith(XSS2));
            assertThat(driver.findElements(By.cssSelector("img"))).isEmpty();
            assertThat((Long) js("return document.scripts.length")).isEqualTo(2L);   // htmx.min.js and console.js only
            shot(a == mb ? "asset-hostile-modbus" : "asset-hostile-opcua");
        }
        assertThat(driver.getPageSource()).doesNotContain("<script>alert(2)");
        // the asset list, filtered by the hostile vendor through a select whose option values are hostile too
        driver.get(base + "/console/assets?q=" + ConsoleRoutes.enc("onerror"));
        assertThat(driver.findElement(By.cssSelector("#assets tbody")).getText()).contains(XSS1);
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("f-vendor"))).selectByValue(XSS1);
        waitFor().until(d -> d.getCurrentUrl().contains("vendor="));
        clean();
        // graph labels and the tooltip panel
        driver.get(base + "/console/map");
        waitFor().until(d -> Boolean.TRUE.equals(js("return window.gsMapReady === true")));
        Object label = js("return window.gsCy.getElementById(arguments[0]).data('label')".replace("arguments[0]", "'" + ua.id().replace("'", "\\'") + "'"));
        assertThat(String.valueOf(label)).startsWith(XSS2);
        js("window.gsCy.getElementById('" + ua.id().replace("'", "\\'") + "').emit('mouseover')");
        assertThat(driver.findElement(By.cssSelector("#node-info h3")).getText()).startsWith(XSS2);
        assertThat(driver.findElements(By.cssSelector("#node-info script, #node-info img"))).isEmpty();
        shot("map-hostile-tooltip");
        clean();
    }

    @Test
    @Order(4)
    void mapShowsEveryAssetOfTheCaptures() throws Exception {
        login();
        driver.get(base + "/console/map");
        waitFor().until(d -> Boolean.TRUE.equals(js("return window.gsMapReady === true")));
        long nodes = (Long) js("return window.gsCy.nodes().length");
        assertThat(nodes).isEqualTo(engine.inventory().assets().size());
        long edges = (Long) js("return window.gsCy.edges().length");
        assertThat(edges).isPositive();
        shot("map");
        clean();
    }

    @Test
    @Order(5)
    void everyPageRendersCleanlyWithThePolicy() throws Exception {
        login();
        for (String[] p : new String[][] {{"/", "overview"}, {"/console/assets", "assets"}, {"/console/events", "events"},
                {"/console/findings", "findings"}, {"/console/register", "register"}, {"/console/downloads", "downloads"}}) {
            driver.get(base + p[0]);
            shot(p[1]);
            clean();
        }
        String cookie = ConsoleRoutes.COOKIE + "=" + token;
        String first = engine.inventory().assets().get(0).id();
        for (String path : List.of("/", "/login", "/console/assets", "/console/assets?q=x&page=1", ConsoleRoutes.assetHref(first), "/console/map",
                "/console/map.json", "/console/events", "/console/findings", "/console/register", "/console/downloads",
                "/console/static/console.js", ConsoleRoutes.HTMX, ConsoleRoutes.CYTOSCAPE, "/console/nothing", "/api/v1/assets", "/healthz",
                "/console/download/assets.csv", "/console/download/inventory.json")) {
            HttpResponse<String> r = get(path, null, cookie);
            assertThat(r.statusCode()).as(path).isIn(200, 404);
            assertThat(r.headers().firstValue("Content-Security-Policy")).as(path).hasValue(ConsoleRoutes.CSP);
            assertThat(r.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
        }
        assertThat(ConsoleRoutes.CSP).contains("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'");
        assertThat(get("/console/download/assets.csv", null, cookie).body()).contains("10.9.9.2");
    }

    @Test
    @Order(6)
    void liveEventAppearsAfterNewTraffic() throws Exception {
        login();
        driver.get(base + "/console/events");
        waitFor().until(d -> Boolean.TRUE.equals(js("return window.gsStreamOpen === true")));
        int before = driver.findElements(By.cssSelector("#events tr.event")).size();
        String firstBefore = driver.findElement(By.cssSelector("#events tr.event")).getAttribute("data-seq");
        // new traffic: a DNP3 exchange the engine has not seen, then the tick the pipeline thread would run
        engine.ingestFile(TestFiles.pcap("dnp3-iti-full_exchange.pcap"));
        engine.tick(AgentEngine.wallNanos());
        waitFor().until(d -> !firstBefore.equals(d.findElement(By.cssSelector("#events tr.event")).getAttribute("data-seq")));
        String text = driver.findElement(By.id("events")).getText();
        assertThat(text).contains("asset.new");
        assertThat(driver.findElements(By.cssSelector("#events tr.event")).size()).isGreaterThanOrEqualTo(Math.min(100, before + 1));
        shot("events-live");
        clean();
    }
}
