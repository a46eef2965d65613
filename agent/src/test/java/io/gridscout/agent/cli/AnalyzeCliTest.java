package io.gridscout.agent.cli;

import io.gridscout.protocols.testutil.Captures;

import org.junit.jupiter.api.Tag;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gridscout.agent.TestFiles;
import io.gridscout.protocols.capture.CaptureWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The analyze command as a user runs it: a separate JVM (so stdout, stderr and the exit code are the real ones)
 * on real captures, re-containered by independent writers (editcap, gzip, the test CaptureWriter), cut, merged
 * and replaced by files that are not captures.
 */
class AnalyzeCliTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Pattern ISO_UTC = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
    static final Pattern MAC = Pattern.compile("([0-9a-f]{2}:){5}[0-9a-f]{2}");

    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    /** Runs {@code gridscout ARGS} in a fresh JVM with the test classpath, bounded to a minute. */
    Run gridscout(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.gridscout.agent.cli.Main"));
        cmd.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(cmd).directory(tmp.toFile()).start();
        try {
            p.getOutputStream().close();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
            if (!p.waitFor(60, TimeUnit.SECONDS)) fail("gridscout %s did not finish within 60 s", cmd);
            return new Run(p.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
        } finally {
            p.destroyForcibly();
        }
    }

    private static String drain(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Analyses in-process (faster) when only the JSON matters. */
    JsonNode analyze(int expectedExit, Path... captures) throws IOException {
        Path json = Files.createTempFile(tmp, "inventory", ".json");
        List<String> args = new ArrayList<>(List.of("analyze", "--quiet", "--json", json.toString()));
        for (Path c : captures) args.add(c.toString());
        assertThat(Main.run(args.toArray(String[]::new))).as("exit code of analyze %s", args).isEqualTo(expectedExit);
        return JSON.readTree(json.toFile());
    }

    /** The inventory without what names the file (name, hash): what must not depend on the container. */
    static JsonNode withoutFileIdentity(JsonNode inv) {
        JsonNode copy = inv.deepCopy();
        for (JsonNode c : copy.get("captures")) ((ObjectNode) c).remove(List.of("file", "sha256"));
        return copy;
    }

    static void editcap(String format, Path in, Path out) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("editcap", "-F", format, in.toString(), out.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("editcap (Debian package wireshark-common, comes with tshark) is required: " + e.getMessage(), e);
        }
        String msg = drain(p.getInputStream());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("editcap finished").isTrue();
        assertThat(p.exitValue()).as("editcap -F %s %s: %s", format, in, msg).isZero();
    }

    // ------------------------------------------------------------------ containers

    @Tag(Captures.SHARED)
    @ParameterizedTest
    @ValueSource(strings = {"modbus-iti-modbus_test_data_part2.pcap", "modbus-peer-mei-schneider-m340-pymodbus.pcap"})
    void sameTrafficInEveryContainerGivesTheSameInventory(String name) throws Exception {
        Path pcap = TestFiles.pcap(name);
        String base = name.replace(".pcap", "");
        Map<Path, String> variants = new LinkedHashMap<>();
        variants.put(pcap, "original pcap");
        Path ng = tmp.resolve(base + ".editcap.pcapng");
        editcap("pcapng", pcap, ng);
        variants.put(ng, "pcapng by editcap");
        Path ns = tmp.resolve(base + ".editcap-ns.pcap");
        editcap("nsecpcap", pcap, ns);
        variants.put(ns, "nanosecond pcap by editcap");
        CaptureWriter.Capture c = CaptureWriter.read(pcap);
        Path ngBe = tmp.resolve(base + ".be.pcapng");
        Files.write(ngBe, CaptureWriter.pcapng(c.linkType(), c.packets(), ByteOrder.BIG_ENDIAN));
        variants.put(ngBe, "big-endian pcapng by CaptureWriter");
        Path nsBe = tmp.resolve(base + ".be-ns.pcap");
        Files.write(nsBe, CaptureWriter.pcap(c.linkType(), c.packets(), true, ByteOrder.BIG_ENDIAN));
        variants.put(nsBe, "big-endian nanosecond pcap by CaptureWriter");
        Path gz = tmp.resolve(base + ".pcap.gz");
        CaptureWriter.gzip(pcap, gz);
        variants.put(gz, "gzip of the pcap");
        Path ngGz = tmp.resolve(base + ".pcapng.gz");
        CaptureWriter.gzip(ng, ngGz);
        variants.put(ngGz, "gzip of the editcap pcapng");

        JsonNode reference = analyze(0, pcap);
        assertThat(reference.get("assets").size()).as("assets of %s", name).isGreaterThan(0);
        assertThat(reference.get("communications").size()).as("communications of %s", name).isGreaterThan(0);
        for (Map.Entry<Path, String> v : variants.entrySet()) {
            JsonNode inv = analyze(0, v.getKey());
            assertThat(inv.at("/captures/0/file").asText()).isEqualTo(v.getKey().getFileName().toString());
            assertThat(inv.at("/captures/0/sha256").asText()).matches("[0-9a-f]{64}");
            assertThat(withoutFileIdentity(inv)).as("inventory of the %s (%s)", v.getValue(), v.getKey().getFileName())
                    .isEqualTo(withoutFileIdentity(reference));
        }
    }

    // ------------------------------------------------------------------ damaged captures

    /** Offsets of the packet records of a classic little-endian pcap. */
    static List<Integer> recordOffsets(byte[] pcap) {
        ByteBuffer b = ByteBuffer.wrap(pcap).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt(0)).as("little-endian microsecond pcap").isEqualTo(0xA1B2C3D4);
        List<Integer> offsets = new ArrayList<>();
        for (int off = 24; off + 16 <= pcap.length; off += 16 + b.getInt(off + 8)) offsets.add(off);
        return offsets;
    }

    @Tag(Captures.SHARED)
    @Test
    void truncatedCaptureKeepsWhatWasReadBeforeTheCutAndWarns() throws Exception {
        // modbus_example.pcap: frames 1-98 are a loopback session with a MEI identity (response in frame 94),
        // frames 99-100 are a second session between two other hosts
        Path full = TestFiles.pcap("modbus-cisagov-modbus_example.pcap");
        byte[] bytes = Files.readAllBytes(full);
        List<Integer> records = recordOffsets(bytes);
        assertThat(records).hasSize(100);
        int record99 = records.get(98);
        int cut = record99 + 16 + 30; // inside the packet data of frame 99
        Path truncated = tmp.resolve("cut-in-record.pcap");
        Files.write(truncated, Arrays.copyOf(bytes, cut));
        Path head = tmp.resolve("first-98.pcap");
        Files.write(head, Arrays.copyOf(bytes, record99));

        Path json = tmp.resolve("cut.json");
        Run r = gridscout("analyze", "--json", json.toString(), truncated.toString());
        assertThat(r.exit()).as("exit code for a truncated capture (stderr: %s)", r.err()).isEqualTo(1);
        String warning = (r.out() + r.err()).lines().filter(l -> l.contains("warning")).findFirst().orElse("");
        assertThat(warning).as("warning on stdout/stderr").contains("cut-in-record.pcap").contains("offset " + record99);
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");

        JsonNode inv = JSON.readTree(json.toFile());
        assertThat(inv.at("/captures/0/packets").asLong()).isEqualTo(98);
        assertThat(inv.at("/captures/0/warnings").toString()).contains("cut-in-record.pcap").contains("offset " + record99);
        JsonNode loopback = asset(inv, "127.0.0.1");
        assertThat(loopback.get("vendor").asText()).isEqualTo("Zeek Modbus Test");
        assertThat(attribute(loopback, "vendor", "modbus.mei")).isEqualTo("Zeek Modbus Test");
        assertThat(attribute(loopback, "firmware", "modbus.mei")).isEqualTo("1.2.3.6");
        assertThat(ids(inv)).doesNotContain("192.168.1.6", "3.15.227.20");

        // the oracle: the same 98 packets as an intact file give the same assets and communications
        JsonNode intact = analyze(0, head);
        assertThat(inv.get("assets")).isEqualTo(intact.get("assets"));
        assertThat(inv.get("communications")).isEqualTo(intact.get("communications"));
        // and what was before the cut is what the full capture says about it
        JsonNode all = analyze(0, full);
        assertThat(ids(all)).containsAll(ids(inv));
        assertThat(asset(all, "127.0.0.1").get("attributes").toString())
                .contains(attributeNode(loopback, "vendor", "modbus.mei").toString());
    }

    @Tag(Captures.SHARED)
    @Test
    void captureCutInsideARecordHeaderAlsoGivesPartialResults() throws Exception {
        byte[] bytes = Files.readAllBytes(TestFiles.pcap("modbus-cisagov-modbus_example.pcap"));
        int record99 = recordOffsets(bytes).get(98);
        Path truncated = tmp.resolve("cut-in-header.pcap");
        Files.write(truncated, Arrays.copyOf(bytes, record99 + 7));
        Run r = gridscout("analyze", "--quiet", "--json", tmp.resolve("h.json").toString(), truncated.toString());
        assertThat(r.exit()).as("stderr: %s", r.err()).isEqualTo(1);
        assertThat(r.err()).contains("cut-in-header.pcap").contains("offset " + record99).doesNotContain("Exception");
        assertThat(ids(JSON.readTree(tmp.resolve("h.json").toFile()))).containsExactly("127.0.0.1");
    }

    @Tag(Captures.SHARED)
    @Test
    void truncatedPcapngWarnsToo() throws Exception {
        Path ng = tmp.resolve("example.pcapng");
        editcap("pcapng", TestFiles.pcap("modbus-cisagov-modbus_example.pcap"), ng);
        byte[] bytes = Files.readAllBytes(ng);
        Path truncated = tmp.resolve("cut.pcapng");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 100)); // inside the last block
        Run r = gridscout("analyze", "--quiet", "--json", tmp.resolve("ng.json").toString(), truncated.toString());
        assertThat(r.exit()).as("stderr: %s", r.err()).isEqualTo(1);
        assertThat(r.errLines()).singleElement().asString().contains("cut.pcapng").contains("offset ");
        assertThat(ids(JSON.readTree(tmp.resolve("ng.json").toFile()))).contains("127.0.0.1");
    }

    // ------------------------------------------------------------------ not captures

    @Test
    void textFileIsExitTwoWithOneLineAndNoStackTrace() throws Exception {
        Path text = tmp.resolve("notes.txt");
        Files.writeString(text, "these are not packets\nsecond line\n");
        Run r = gridscout("analyze", text.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).singleElement().asString().contains("notes.txt").doesNotContain("Exception");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void missingFileIsExitTwoWithOneLine() throws Exception {
        Run r = gridscout("analyze", "--json", "out.json", tmp.resolve("no-such.pcap").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).singleElement().asString().contains("no-such.pcap").doesNotContain("Exception");
        assertThat(tmp.resolve("out.json")).doesNotExist();
    }

    @Test
    void emptyFileAndDirectoryAreNotCaptures() throws Exception {
        Path empty = Files.createFile(tmp.resolve("empty.pcap"));
        Run r = gridscout("analyze", empty.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).singleElement().asString().contains("empty.pcap");
        Path dir = Files.createDirectory(tmp.resolve("captures.d"));
        r = gridscout("analyze", dir.toString());
        assertThat(r.exit()).as("a directory is not a capture (stderr: %s)", r.err()).isEqualTo(2);
        assertThat(r.errLines()).singleElement().asString().contains("captures.d").doesNotContain("Exception");
    }

    @Test
    void noArgumentsIsExitTwo() throws Exception {
        for (String[] args : List.of(new String[0], new String[] {"analyze"})) {
            Run r = gridscout(args);
            assertThat(r.exit()).as("gridscout %s", List.of(args)).isEqualTo(2);
            assertThat(r.err()).isNotBlank().doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    // ------------------------------------------------------------------ several captures

    @Tag(Captures.SHARED)
    @Test
    void severalCapturesMergeIntoOneInventory() throws Exception {
        Path[] files = {TestFiles.pcap("modbus-iti-modbus_test_data_part1.pcap"), TestFiles.pcap("modbus-iti-modbus_test_data_part2.pcap"),
                TestFiles.pcap("modbus-peer-mei-schneider-m340-pymodbus.pcap"), TestFiles.pcap("modbus-cisagov-modbus_example.pcap")};
        Set<String> union = new LinkedHashSet<>();
        int sum = 0;
        Set<String> communications = new LinkedHashSet<>();
        for (Path f : files) {
            JsonNode one = analyze(0, f);
            union.addAll(ids(one));
            sum += one.get("assets").size();
            for (JsonNode c : one.get("communications")) communications.add(commKey(c));
        }
        assertThat(sum).as("the captures share assets, so merging must deduplicate").isGreaterThan(union.size());
        JsonNode merged = analyze(0, files);
        assertThat(merged.get("captures")).hasSize(files.length);
        for (int i = 0; i < files.length; i++) {
            assertThat(merged.at("/captures/" + i + "/file").asText()).isEqualTo(files[i].getFileName().toString());
        }
        assertThat(ids(merged)).hasSize(merged.get("assets").size()).containsExactlyInAnyOrderElementsOf(union);
        List<String> mergedComms = new ArrayList<>();
        for (JsonNode c : merged.get("communications")) mergedComms.add(commKey(c));
        assertThat(mergedComms).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(communications);
        // the same capture twice adds nothing but a second capture entry
        JsonNode once = analyze(0, files[1]), twice = analyze(0, files[1], files[1]);
        assertThat(twice.get("captures")).hasSize(2);
        assertThat(ids(twice)).isEqualTo(ids(once));
    }

    private static String commKey(JsonNode c) {
        return c.get("client").asText() + ">" + c.get("server").asText() + " " + c.get("protocol").asText() + "/"
                + c.get("transport").asText() + ":" + c.get("port").asText();
    }

    // ------------------------------------------------------------------ CSV and stats

    @Tag(Captures.SHARED)
    @Test
    void csvHasAHeaderAndOneRowPerAsset() throws Exception {
        Path capture = TestFiles.pcap("modbus-cisagov-modbus_example.pcap");
        Path csv = tmp.resolve("assets.csv"), json = tmp.resolve("assets.json");
        Run r = gridscout("analyze", "--quiet", "--csv", csv.toString(), "--json", json.toString(), capture.toString());
        assertThat(r.exit()).as("stderr: %s", r.err()).isZero();
        JsonNode inv = JSON.readTree(json.toFile());
        List<List<String>> rows = parseCsv(Files.readString(csv, StandardCharsets.UTF_8));
        assertThat(rows.get(0)).containsExactly("id", "ips", "macs", "vendor", "model", "firmware", "serial", "name",
                "deviceClass", "protocols", "roles", "firstSeen", "lastSeen");
        assertThat(rows).hasSize(inv.get("assets").size() + 1);
        for (int i = 1; i < rows.size(); i++) {
            JsonNode a = inv.get("assets").get(i - 1);
            List<String> row = rows.get(i);
            assertThat(row).hasSize(13);
            assertThat(row.get(0)).isEqualTo(a.get("id").asText());
            assertThat(row.get(3)).isEqualTo(a.get("vendor").isNull() ? "" : a.get("vendor").asText());
            assertThat(row.get(11)).isEqualTo(a.get("firstSeen").asText());
        }
        // '-' writes to stdout, and then no table is mixed into it
        Run toStdout = gridscout("analyze", "--csv", "-", capture.toString());
        assertThat(toStdout.exit()).isZero();
        assertThat(parseCsv(toStdout.out())).isEqualTo(rows);
    }

    /** RFC 4180: CRLF rows, cells quoted when they hold a comma, quote or line break. */
    static List<List<String>> parseCsv(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') { cell.append('"'); i++; }
                else if (ch == '"') quoted = false;
                else cell.append(ch);
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                row.add(cell.toString());
                cell.setLength(0);
            } else if (ch == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                row.add(cell.toString());
                cell.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                i++;
            } else {
                assertThat(ch).as("bare line feed outside quotes (rows end with CRLF)").isNotEqualTo('\n');
                cell.append(ch);
            }
        }
        assertThat(cell.length() == 0 && row.isEmpty()).as("the CSV ends with CRLF").isTrue();
        return rows;
    }

    @Tag(Captures.SHARED)
    @Test
    void statsPrintPacketsAndRate() throws Exception {
        Path capture = TestFiles.pcap("modbus-iti-modbus_test_data_part2.pcap");
        Run r = gridscout("analyze", "--quiet", "--stats", capture.toString());
        assertThat(r.exit()).as("stderr: %s", r.err()).isZero();
        long packets = analyze(0, capture).at("/captures/0/packets").asLong();
        assertThat(packets).isPositive();
        assertThat(r.out().lines().toList()).contains("packets: " + packets)
                .anySatisfy(l -> assertThat(l).matches("packets/s: [0-9]+"));
    }

    // ------------------------------------------------------------------ JSON contract

    @Tag(Captures.SHARED)
    @Test
    void jsonContractFieldNamesAndFormats() throws Exception {
        Path capture = TestFiles.pcap("modbus-cisagov-modbus_example.pcap");
        Run r = gridscout("analyze", "--json", "-", capture.toString());
        assertThat(r.exit()).as("stderr: %s", r.err()).isZero();
        JsonNode inv = JSON.readTree(r.out()); // stdout holds the JSON and nothing else
        assertThat(inv.get("schema").asText()).isEqualTo("gridscout.inventory/1");
        assertThat(inv.get("captures")).hasSize(1);
        for (JsonNode c : inv.get("captures")) {
            assertFields(c, "captures[]", "file", "sha256", "packets", "start", "end", "warnings");
            assertThat(c.get("sha256").asText()).isEqualTo(sha256(capture));
            assertThat(c.get("packets").asLong()).isEqualTo(100);
            assertTime(c.get("start"));
            assertTime(c.get("end"));
            assertThat(c.get("warnings").isArray()).isTrue();
        }
        assertThat(inv.get("assets")).isNotEmpty();
        boolean sawUnitIds = false, sawAttributes = false;
        for (JsonNode a : inv.get("assets")) {
            assertFields(a, "assets[]", "id", "macs", "ips", "vendor", "model", "firmware", "serial", "name", "deviceClass",
                    "services", "attributes", "firstSeen", "lastSeen");
            for (JsonNode m : a.get("macs")) assertThat(m.asText()).matches(MAC);
            assertTime(a.get("firstSeen"));
            assertTime(a.get("lastSeen"));
            for (JsonNode s : a.get("services")) {
                assertFields(s, "services[]", "protocol", "role", "transport", "port", "unitIds");
                assertThat(s.get("unitIds").isArray()).isTrue();
                sawUnitIds |= s.get("unitIds").size() > 0;
            }
            for (JsonNode at : a.get("attributes")) {
                assertFields(at, "attributes[]", "name", "value", "source", "confidence", "firstSeen", "lastSeen");
                assertThat(at.get("confidence").isNumber()).isTrue();
                assertTime(at.get("firstSeen"));
                assertTime(at.get("lastSeen"));
                sawAttributes = true;
            }
        }
        assertThat(sawUnitIds).as("some service lists unit ids").isTrue();
        assertThat(sawAttributes).as("some asset has attributes").isTrue();
        assertThat(inv.get("communications")).isNotEmpty();
        for (JsonNode c : inv.get("communications")) {
            assertFields(c, "communications[]", "client", "server", "protocol", "transport", "port", "packets", "bytes",
                    "operations", "firstSeen", "lastSeen");
            assertTime(c.get("firstSeen"));
            assertTime(c.get("lastSeen"));
            assertThat(c.get("packets").asLong()).isPositive();
            assertThat(c.get("bytes").asLong()).isPositive();
            for (JsonNode o : c.get("operations")) {
                assertFields(o, "operations[]", "code", "name", "count", "kind");
                assertThat(o.get("code").isIntegralNumber()).isTrue();
                assertThat(o.get("count").asLong()).isPositive();
            }
        }
        assertThat(inv.at("/communications/0/operations")).isNotEmpty();
    }

    private static void assertFields(JsonNode node, String where, String... names) {
        for (String n : names) assertThat(node.has(n)).as("%s has field '%s': %s", where, n, node).isTrue();
    }

    private static void assertTime(JsonNode t) {
        assertThat(t.isTextual()).as("time %s is a string", t).isTrue();
        assertThat(t.asText()).matches(ISO_UTC);
        assertThat(Instant.parse(t.asText())).isAfter(Instant.parse("1990-01-01T00:00:00Z"));
    }

    private static String sha256(Path f) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    }

    // ------------------------------------------------------------------ helpers

    static List<String> ids(JsonNode inv) {
        List<String> ids = new ArrayList<>();
        for (JsonNode a : inv.get("assets")) ids.add(a.get("id").asText());
        return ids;
    }

    static JsonNode asset(JsonNode inv, String id) {
        for (JsonNode a : inv.get("assets")) if (a.get("id").asText().equals(id)) return a;
        throw new AssertionError("no asset " + id + " in " + ids(inv));
    }

    static JsonNode attributeNode(JsonNode asset, String name, String source) {
        for (JsonNode at : asset.get("attributes")) {
            if (at.get("name").asText().equals(name) && at.get("source").asText().equals(source)) return at;
        }
        throw new AssertionError("no attribute " + name + " from " + source + " in " + asset.get("attributes"));
    }

    static String attribute(JsonNode asset, String name, String source) {
        return attributeNode(asset, name, source).get("value").asText();
    }
}
