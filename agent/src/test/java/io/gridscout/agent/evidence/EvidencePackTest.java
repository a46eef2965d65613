package io.gridscout.agent.evidence;

import io.gridscout.protocols.testutil.Captures;

import org.junit.jupiter.api.Tag;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gridscout.agent.TestFiles;
import io.gridscout.agent.cli.Main;
import io.gridscout.mapping.register.RegisterEntry;
import io.gridscout.mapping.site.SiteContext;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The evidence pack end to end on testdata captures: rules that the captures show, reconciliation, determinism. */
@org.junit.jupiter.api.Tag(io.gridscout.protocols.testutil.Captures.SHARED)
class EvidencePackTest {
    @TempDir
    Path tmp;

    static final ObjectMapper JSON = new ObjectMapper();

    JsonNode pack(String name, String... args) throws Exception {
        Path dir = tmp.resolve(name);
        List<String> a = new ArrayList<>(List.of("analyze", "--quiet", "--report", dir.toString()));
        a.addAll(List.of(args));
        assertThat(Main.run(a.toArray(String[]::new))).isZero();
        return JSON.readTree(dir.resolve("findings.json").toFile());
    }

    static List<JsonNode> findings(JsonNode pack, String rule) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode f : pack.path("findings")) if (f.path("rule").asText().equals(rule)) out.add(f);
        return out;
    }

    static List<String> statuses(JsonNode pack, String rule) {
        return findings(pack, rule).stream().map(f -> f.path("status").asText()).toList();
    }

    static String pcap(String name) {
        return TestFiles.pcap(name).toString();
    }

    @Tag(Captures.SHARED)
    @Test
    void opcUaPolicyNoneIsANonconformityWithControlIdsAsPrinted() throws Exception {
        JsonNode p = pack("opcua", pcap("opcua-cisagov-open62541_discover_getendpoints_discover_urls.pcap"));
        List<JsonNode> f = findings(p, "ER-08");
        assertThat(f).isNotEmpty().allMatch(x -> x.path("status").asText().equals("nonconformity"));
        assertThat(f.get(0).path("summary").asText()).contains("policy None");
        assertThat(JSON.convertValue(f.get(0).path("controls"), List.class)).contains("8.24", "8.37");
        assertThat(JSON.convertValue(f.get(0).path("controlsByStandard").path("27019:2017"), List.class)).contains("A.10.1.1");
        assertThat(f.get(0).path("evidencePacketTimes")).isNotEmpty();
        // modbus traffic has no OPC UA: the rule stays silent
        assertThat(findings(pack("modbus", pcap("modbus-zeek-modbusSmall.pcap")), "ER-08")).isEmpty();
    }

    @Tag(Captures.SHARED)
    @Test
    void dnp3WithoutAndWithSecureAuthentication() throws Exception {
        JsonNode plain = pack("plain", pcap("dnp3-iti-cold_restart_and_response.pcap"));
        assertThat(statuses(plain, "ER-09")).containsExactly("observation");
        assertThat(statuses(plain, "ER-07")).containsExactly("observation");
        assertThat(findings(plain, "ER-07").get(0).path("summary").asText()).contains("COLD_RESTART");
        JsonNode sa = pack("sa", pcap("dnp3-iti-auth_control_challenge_response.pcap"));
        assertThat(statuses(sa, "ER-09")).containsExactly("evidence-of-conformity");
        assertThat(findings(sa, "ER-07")).isEmpty();
    }

    @Tag(Captures.SHARED)
    @Test
    void modbusWritesJudgedAgainstTheSiteAllowList() throws Exception {
        Path site = tmp.resolve("site.yaml");
        Files.writeString(site, """
                site: Plant 1
                zones:
                  - {name: plant, kind: plant, cidrs: [141.81.0.0/24]}
                writers: [141.81.0.99]
                """);
        JsonNode p = pack("writes", "--site", site.toString(), pcap("modbus-iti-ModbusTCP-plant1.pcap"));
        assertThat(statuses(p, "ER-06")).containsExactly("nonconformity");
        assertThat(findings(p, "ER-06").get(0).path("assets").toString()).contains("141.81.0.10");
        // all inside one declared zone: no crossing
        assertThat(statuses(p, "ER-10")).containsExactly("evidence-of-conformity");
        Files.writeString(site, "writers: [141.81.0.10]\n");
        JsonNode ok = pack("writes-ok", "--site", site.toString(), pcap("modbus-iti-ModbusTCP-plant1.pcap"));
        assertThat(statuses(ok, "ER-06")).containsExactly("evidence-of-conformity");
        // issue #21: one allowed writer in a plant of unauthenticated cleartext Modbus writes is not conformity of 8.37/8.22
        assertThat(control(ok, "8.37").path("assessment").asText()).isEqualTo("observation");
        assertThat(control(ok, "8.24").path("assessment").asText()).isEqualTo("observation");
        assertThat(control(ok, "8.22").path("assessment").asText()).isNotEqualTo("evidence-of-conformity");
        assertThat(control(ok, "5.15").path("assessment").asText()).isEqualTo("evidence-of-conformity");
        assertThat(statuses(ok, "ER-20")).containsOnly("observation").isNotEmpty();
        assertThat(findings(ok, "ER-20").get(0).path("summary").asText()).contains("modbus");
        // the tool having run is not monitoring: 8.16 rests on declared collectors
        assertThat(control(ok, "8.16").path("assessment").asText()).isEqualTo("not-evaluated");
        assertThat(control(ok, "8.16").path("reason").asText()).contains("monitoring:");
        JsonNode restsOn = control(ok, "8.37").path("restsOn");
        assertThat(restsOn.findValuesAsText("rule")).contains("ER-06", "ER-20");
        assertThat(restsOn.findValuesAsText("cannotShow")).allMatch(x -> !x.isBlank());
        assertThat(ok.path("legend").path("no-exception-observed").asText()).contains("not proof");
    }

    static JsonNode control(JsonNode pack, String id) {
        for (JsonNode c : pack.path("controls")) if (c.path("id").asText().equals(id)) return c;
        throw new AssertionError("no control " + id);
    }

    @Test
    void publicAddressesWithoutASiteFileAreUndeclaredNotExternal() throws Exception {
        // issue #21: plant1 is numbered from public space (141.81.0.0/24); without a site file nothing is external
        JsonNode p = pack("public", pcap("modbus-iti-ModbusTCP-plant1.pcap"));
        assertThat(findings(p, "ER-10")).isEmpty();
        assertThat(control(p, "8.38").path("assessment").asText()).isNotEqualTo("nonconformity");
    }

    @Test
    void controllerStateChangesAndNotProgramUploads() throws Exception {
        // issue #21: DNP3 cold restart is a controller state change (ER-07) and an unauthenticated control command (ER-20)
        JsonNode dnp3 = pack("cold", pcap("dnp3-iti-cold_restart_and_response.pcap"));
        assertThat(findings(dnp3, "ER-20")).singleElement().satisfies(f -> assertThat(f.path("summary").asText()).contains("COLD_RESTART"));
        // EtherNet/IP software upload capture: Forward Open is connection set-up, an upload is a read
        JsonNode enip = pack("enip", pcap("enip-iti-EIP-SoftwareUpload.pcap"));
        for (JsonNode f : findings(enip, "ER-07")) assertThat(f.path("summary").asText()).doesNotContain("FORWARD_OPEN").doesNotContain("UPLOAD_TRANSFER");
        for (JsonNode f : findings(enip, "ER-20")) assertThat(f.path("summary").asText()).doesNotContain("FORWARD_OPEN");
    }

    @Test
    void registerVendorIsNotComparedWithTheNicMaker() throws Exception {
        // issue #21: plant1's devices state no vendor in Modbus; the CSV's vendor column is the MAC prefix's NIC maker.
        // A register saying "Schneider Electric" is not contradicted by the NIC maker.
        String capture = pcap("modbus-iti-ModbusTCP-plant1.pcap");
        Path csv = tmp.resolve("plant1.csv");
        assertThat(Main.run("analyze", "--quiet", "--csv", csv.toString(), capture)).isZero();
        List<String> lines = new ArrayList<>(Files.readAllLines(csv, StandardCharsets.UTF_8));
        List<String> header = List.of(lines.get(0).split(",", -1));
        int vendor = header.indexOf("vendor");
        assertThat(vendor).isNotNegative();
        int changed = 0;
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",", -1);
            if (f.length <= vendor || f[vendor].isBlank() || f[vendor].contains("\"")) continue;
            f[vendor] = "Schneider Electric";
            lines.set(i, String.join(",", f));
            changed++;
        }
        assertThat(changed).as("devices with an OUI vendor").isPositive();
        Files.write(csv, lines, StandardCharsets.UTF_8);
        JsonNode p = pack("nic", "--register", csv.toString(), capture);
        for (JsonNode f : findings(p, "ER-03")) assertThat(f.path("summary").asText()).doesNotContain("vendor declared");
        assertThat(p.path("summary").path("reconciliation").path("mismatch").asInt()).isZero();
    }

    @Test
    void opcUaPolicyNoneOnlyForDiscoveryIsNotPolicyNoneInUse() throws Exception {
        // issue #21: open62541 client/server, encrypted: GetEndpoints on a None channel, the session on a secured one
        JsonNode p = pack("ua-enc", pcap("opcua-cisagov-open62541_client-server_encrypted.pcap"));
        List<JsonNode> f = findings(p, "ER-08");
        assertThat(f).noneMatch(x -> x.path("summary").asText().contains("policy None in use"));
        assertThat(f).anyMatch(x -> x.path("status").asText().equals("observation") && x.path("summary").asText().contains("discovery"));
    }

    @Test
    void shortWindowsDoNotJudgeAbsentTimeSync() throws Exception {
        // issue #21: a capture of seconds is shorter than the 1 h minimum: ER-15 is not evaluated, 8.17 says why
        JsonNode p = pack("short", pcap("modbus-zeek-modbusSmall.pcap"));
        assertThat(findings(p, "ER-15")).isEmpty();
        assertThat(p.path("notEvaluated").path("ER-15").asText()).contains("shorter than the minimum");
        assertThat(control(p, "8.17").path("assessment").asText()).isEqualTo("not-evaluated");
    }

    @Tag(Captures.SHARED)
    @Test
    void reconciliationAgainstARegisterStartedFromTheCapturesCsv() throws Exception {
        String capture = pcap("bacnet-cisagov-bacnet_example.pcap");
        Path csv = tmp.resolve("register.csv");
        assertThat(Main.run("analyze", "--quiet", "--csv", csv.toString(), capture)).isZero();
        List<String> lines = new ArrayList<>(Files.readAllLines(csv, StandardCharsets.UTF_8));
        // as written: every asset matches
        JsonNode same = pack("same", "--register", csv.toString(), capture);
        int assets = same.path("summary").path("assets").asInt();
        assertThat(same.path("summary").path("reconciliation").path("matched").asInt()).isEqualTo(assets);
        assertThat(statuses(same, "ER-01")).containsExactly("evidence-of-conformity");

        List<RegisterEntry> parsed = RegisterReader.read(csv);
        RegisterEntry withFirmware = parsed.stream().filter(e -> e.firmware() != null).findFirst().orElseThrow();
        String removedLine = lines.remove(lines.size() - 1);                 // one removed -> that device is unregistered
        String removedId = removedLine.substring(0, removedLine.indexOf(','));
        assertThat(removedId).isNotEqualTo(withFirmware.id());
        lines.add("172.20.32.250,172.20.32.250,,ACME,X,1.0,,ghost,plc,,,,");     // one added -> declared, not seen
        for (int i = 1; i < lines.size(); i++) {                              // one firmware changed -> mismatch
            if (lines.get(i).startsWith(withFirmware.id() + ",")) lines.set(i, lines.get(i).replace("," + withFirmware.firmware() + ",", ",9.9.9-old,"));
        }
        Files.write(csv, lines, StandardCharsets.UTF_8);
        JsonNode p = pack("changed", "--register", csv.toString(), capture);
        JsonNode counts = p.path("summary").path("reconciliation");
        assertThat(counts.path("matched").asInt()).isEqualTo(assets - 2);
        assertThat(counts.path("unregistered").asInt()).isEqualTo(1);
        assertThat(counts.path("not-observed").asInt()).isEqualTo(1);
        assertThat(counts.path("mismatch").asInt()).isEqualTo(1);
        assertThat(findings(p, "ER-01").get(0).path("assets").get(0).asText()).isEqualTo(removedId);
        assertThat(findings(p, "ER-02").get(0).path("summary").asText()).contains("172.20.32.250");
        assertThat(findings(p, "ER-03").get(0).path("summary").asText()).contains("firmware declared '9.9.9-old'");

        List<String> rec = Files.readAllLines(tmp.resolve("changed/reconciliation.csv"));
        assertThat(rec.get(0)).startsWith("status,registerId");
        assertThat(rec).hasSize(assets + 2);  // header + every asset + the ghost
        assertThat(rec.stream().skip(1).map(l -> l.substring(0, l.indexOf(','))))
                .containsOnly("matched", "unregistered", "not-observed", "mismatch");
        // assets.csv in the pack is itself a valid register
        assertThat(RegisterReader.read(tmp.resolve("changed/assets.csv"))).hasSize(assets);
    }

    @Tag(Captures.SHARED)
    @Test
    void sameInputsGiveByteIdenticalJson() throws Exception {
        String c = pcap("opcua-cisagov-open62541_discover_getendpoints_discover_urls.pcap");
        pack("a", c);
        pack("b", c);
        assertThat(Files.readAllBytes(tmp.resolve("a/findings.json"))).isEqualTo(Files.readAllBytes(tmp.resolve("b/findings.json")));
        JsonNode p = JSON.readTree(tmp.resolve("a/findings.json").toFile());
        assertThat(p.path("schema").asText()).isEqualTo("gridscout.evidence/1");
        assertThat(p.path("captures").get(0).path("sha256").asText()).hasSize(64);
        assertThat(p.path("catalogs").path("rules").asText()).isNotBlank();
        assertThat(p.path("window").path("start").asText()).startsWith("2021-09-15");
        assertThat(Files.size(tmp.resolve("a/report.pdf"))).isGreaterThan(1000);
        assertThat(new String(Files.readAllBytes(tmp.resolve("a/report.pdf")), 0, 5, StandardCharsets.ISO_8859_1)).isEqualTo("%PDF-");
        assertThat(topologyDotPixels(tmp.resolve("a/report.pdf"))).as("device dots of the SVG topology drawn in the PDF").isGreaterThan(20);
    }

    /**
     * Renders the page with the Topology heading (and the next, where a tall picture continues) and counts pixels in the
     * fill colour of device dots (#58a), a colour nothing else on the page uses. Without an SVG drawer the PDF has none.
     */
    static int topologyDotPixels(Path pdf) throws Exception {
        try (PDDocument d = Loader.loadPDF(pdf.toFile())) {
            int first = -1;
            for (int p = 1; p <= d.getNumberOfPages() && first < 0; p++) {
                PDFTextStripper s = new PDFTextStripper();
                s.setStartPage(p);
                s.setEndPage(p);
                if (s.getText(d).lines().anyMatch(l -> l.strip().equals("Topology"))) first = p - 1;
            }
            assertThat(first).as("Topology heading in the PDF").isNotNegative();
            int n = 0;
            PDFRenderer r = new PDFRenderer(d);
            for (int p = first; p < Math.min(first + 2, d.getNumberOfPages()); p++) {
                BufferedImage img = r.renderImageWithDPI(p, 96);
                for (int y = 0; y < img.getHeight(); y++) {
                    for (int x = 0; x < img.getWidth(); x++) {
                        int rgb = img.getRGB(x, y);
                        if (Math.abs((rgb >> 16 & 0xff) - 0x55) < 12 && Math.abs((rgb >> 8 & 0xff) - 0x88) < 12 && Math.abs((rgb & 0xff) - 0xaa) < 12) n++;
                    }
                }
            }
            return n;
        }
    }

    @Tag(Captures.SHARED)
    @Test
    void siteYamlAndNetboxRegister() throws Exception {
        Path site = tmp.resolve("s.yaml");
        Files.writeString(site, """
                site: North
                zones:
                  - {name: scada, kind: control-centre, cidrs: [10.1.0.0/16]}
                  - {name: sub, kind: substation, cidr: 10.2.0.0/16}
                writers: [10.1.0.5]
                jumpHosts: [10.1.0.9]
                flows:
                  - {from: scada, to: sub, protocol: dnp3, port: 20000}
                register: reg.csv
                """);
        SiteContext s = SiteYaml.read(site);
        assertThat(s.name()).isEqualTo("North");
        assertThat(s.zoneOf("10.2.3.4").name()).isEqualTo("sub");
        assertThat(s.flows().get(0).port()).isEqualTo(20000);
        assertThat(s.register()).isEqualTo(tmp.resolve("reg.csv").toString());
        Files.writeString(site, "zones:\n  - {name: x, kind: moon}\n");
        assertThat(Main.run("analyze", "--quiet", "--site", site.toString(), pcap("modbus-zeek-modbusSmall.pcap"))).isEqualTo(2);

        Path nb = tmp.resolve("netbox.csv");
        Files.writeString(nb, "\uFEFFID,Name,Status,Tenant,Site,Location,Rack,Role,Manufacturer,Type,IP Address,Serial number\r\n"
                + "17,rtu-7,Active,,North,,,RTU,\"SEL, Inc.\",SEL-3530,10.2.0.7/24,SN-77\r\n");
        RegisterEntry e = RegisterReader.read(nb).get(0);
        assertThat(e.id()).isEqualTo("17");
        assertThat(e.name()).isEqualTo("rtu-7");
        assertThat(e.vendor()).isEqualTo("SEL, Inc.");
        assertThat(e.model()).isEqualTo("SEL-3530");
        assertThat(e.ips()).containsExactly("10.2.0.7");
        assertThat(e.serial()).isEqualTo("SN-77");
        assertThat(e.extra()).containsEntry("Role", "RTU");
        Path js = tmp.resolve("reg.json");
        Files.writeString(js, "[{\"name\":\"plc1\",\"ip\":\"10.0.0.1\",\"manufacturer\":\"ACME\",\"firmware\":\"1.2\"}]");
        assertThat(RegisterReader.read(js).get(0).firmware()).isEqualTo("1.2");
    }

    @Tag(Captures.SHARED)
    @Test
    void reportCommandAndThe2017Edition() throws Exception {
        Path dir = tmp.resolve("r2017");
        String c = pcap("opcua-cisagov-open62541_discover_getendpoints_discover_urls.pcap");
        assertThat(Main.run("report", "--standard", "27019:2017", "--report", dir.toString(), c)).isZero();
        JsonNode p = JSON.readTree(dir.resolve("findings.json").toFile());
        assertThat(p.path("standard").asText()).isEqualTo("27019:2017");
        assertThat(JSON.convertValue(findings(p, "ER-08").get(0).path("controls"), List.class)).contains("A.10.1.1", "13.1.4");
        assertThat(p.path("controls").get(0).path("id").asText()).isEqualTo("A.5.1.1");
        assertThat(Files.readString(dir.resolve("report.html"))).contains("ISO/IEC 27019:2017").contains("not-assessable");
        assertThat(Main.run("report", c)).isEqualTo(2);
    }

    @Test
    void controlsCommandListsHowEachControlIsEvidenced() throws Exception {
        assertThat(controls("--standard", "27019:2024")).anyMatch(l -> l.startsWith("8.24\t") && l.contains("ER-08"))
                .anyMatch(l -> l.startsWith("7.15\t") && l.contains("not-assessable"));
        assertThat(controls("--standard", "27019:2017")).anyMatch(l -> l.startsWith("A.10.1.1\t") && l.contains("ER-08") && l.contains("2024: 8.24"));
        assertThat(Main.run("controls", "--standard", "27001")).isEqualTo(2);
    }

    private static List<String> controls(String... args) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        System.setOut(new PrintStream(b, true, StandardCharsets.UTF_8));
        try {
            List<String> a = new ArrayList<>(List.of("controls"));
            a.addAll(List.of(args));
            assertThat(Main.run(a.toArray(String[]::new))).isZero();
        } finally {
            System.setOut(old);
        }
        return b.toString(StandardCharsets.UTF_8).lines().toList();
    }
}
