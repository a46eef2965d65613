package io.gridscout.agent.evidence;

import io.gridscout.protocols.testutil.Captures;

import org.junit.jupiter.api.Tag;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gridscout.agent.TestFiles;
import io.gridscout.agent.cli.Main;
import io.gridscout.mapping.inventory.Inventory;
import io.gridscout.mapping.site.SiteContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * report.html opened in headless Chromium (Debian package `chromium`, installed by .ci/run): it renders to a
 * screenshot, logs no console message, and shows the asset count findings.json has.
 */
class ReportChromiumTest {
    @TempDir
    Path tmp;

    record Run(String stdout, String stderr) {
        List<String> console() {
            return stderr.lines().filter(l -> l.contains("CONSOLE")).toList();
        }
    }

    Run chromium(Path page, String... mode) throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        assertThat(chromium).as("headless Chromium (apt-get install chromium; .ci/run does it)").isExecutable();
        List<String> cmd = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + Files.createTempDirectory(tmp, "profile"), "--enable-logging=stderr", "--v=0", "--window-size=1400,2000"));
        cmd.addAll(List.of(mode));
        cmd.add(page.toUri().toString());
        Path out = tmp.resolve("chromium.out"), err = tmp.resolve("chromium.err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        assertThat(p.exitValue()).as("chromium exit (stderr: %s)", Files.readString(err)).isZero();
        return new Run(Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void consoleMessagesAreDetected() throws Exception {
        // the check below must be able to fail: a page that logs an error is caught
        Path page = tmp.resolve("bad.html");
        Files.writeString(page, "<html><body><script>console.error('broken')</script></body></html>");
        assertThat(chromium(page, "--dump-dom").console()).isNotEmpty();
    }

    @Tag(Captures.SHARED)
    @Test
    void reportRendersWithoutConsoleErrorsAndShowsTheAssetCount() throws Exception {
        Path dir = tmp.resolve("pack");
        assertThat(Main.run("analyze", "--quiet", "--report", dir.toString(),
                TestFiles.pcap("opcua-cisagov-open62541_discover_getendpoints_discover_urls.pcap").toString(),
                TestFiles.pcap("bacnet-cisagov-bacnet_example.pcap").toString())).isZero();
        int assets = new ObjectMapper().readTree(dir.resolve("findings.json").toFile()).path("summary").path("assets").asInt();
        assertThat(assets).isGreaterThan(1);

        Path shot = tmp.resolve("report.png");
        Run s = chromium(dir.resolve("report.html"), "--screenshot=" + shot);
        assertThat(shot).exists();
        assertThat(Files.size(shot)).isGreaterThan(10_000);
        assertThat(s.console()).isEmpty();

        Run dom = chromium(dir.resolve("report.html"), "--dump-dom");
        assertThat(dom.console()).isEmpty();
        Matcher m = Pattern.compile("id=\"asset-count\">(\\d+)<").matcher(dom.stdout());
        assertThat(m.find()).as("asset count element").isTrue();
        assertThat(Integer.parseInt(m.group(1))).isEqualTo(assets);
        assertThat(count(dom.stdout(), "<tr class=\"asset\">")).isEqualTo(assets);
        assertThat(dom.stdout()).contains("<svg").contains("id=\"topology-svg\"");
    }

    @Test
    void hostileWireStringsAreEscaped() throws Exception {
        String evil = "<script>console.error('pwned')</script><img src=x onerror=\"console.error(1)\">";
        Inventory.Asset a = new Inventory.Asset("10.0.0.1", List.of(), List.of("10.0.0.1"), evil, evil, "1\u0000\u0007", null, evil, "plc", 0.0, List.of(),
                List.of(new Inventory.Service("modbus", "server", "tcp", 502, Map.of())), List.of(), 1_000_000_000L, 2_000_000_000L);
        Inventory inv = new Inventory(List.of(new Inventory.CaptureSummary(evil, "00", 1, 1_000_000_000L, 2_000_000_000L, List.of())),
                List.of(a), List.of(), Map.of());
        EvidenceReport r = EvidenceReport.build(inv, SiteContext.empty(), null, "27019:2024", "test");
        Path dir = tmp.resolve("evil");
        assertThat(EvidencePack.write(r, dir)).as("pdf warnings").isEmpty();
        Run dom = chromium(dir.resolve("report.html"), "--dump-dom");
        assertThat(dom.console()).isEmpty();
        assertThat(dom.stdout()).doesNotContain("<script").doesNotContain("<img").contains("&lt;script&gt;");
    }

    private static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) n++;
        return n;
    }
}
