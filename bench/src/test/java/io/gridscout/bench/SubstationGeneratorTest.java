package io.gridscout.bench;

import io.gridscout.agent.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The generator's frames are what the standards say (tshark as oracle) and its expected inventory is met. */
class SubstationGeneratorTest {
    @TempDir
    Path dir;

    static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", cmd) + "\n" + out).isZero();
        return out;
    }

    @Test
    void tsharkDecodesEveryProtocolWithoutExpertErrorsOrWarnings() throws Exception {
        Path pcap = dir.resolve("small.pcap");
        SubstationGenerator.Result r = SubstationGenerator.generate(pcap, 7, 4, 25, 20_000);
        assertThat(r.packets()).isEqualTo(20_000);
        String phs = run("tshark", "-r", pcap.toString(), "-q", "-z", "io,phs");
        for (String proto : List.of("modbus", "dnp3", "opcua", "iec60870_104", "iec60870_asdu", "s7comm", "enip", "goose", "dns", "http", "smb2")) {
            assertThat(phs).as(proto).containsPattern("\\b" + proto + "\\s+frames:\\d+");
        }
        String expert = run("tshark", "-r", pcap.toString(), "-q", "-z", "expert");
        assertThat(expert).doesNotContain("Errors (").doesNotContain("Warnings (").doesNotContain("Malformed");
        // the identity strings are where tshark finds them
        String fields = run("tshark", "-r", pcap.toString(), "-Y", "mbtcp.prot_id == 0 && modbus.func_code == 43", "-T", "fields", "-e", "modbus.object_str_value");
        assertThat(fields).containsAnyOf("Schneider Electric", "Wago", "Phoenix Contact", "ABB");
        String ua = run("tshark", "-r", pcap.toString(), "-Y", "opcua", "-T", "fields", "-e", "opcua.ApplicationUri");
        assertThat(ua).contains("urn:substation:gateway:");
        String dnp = run("tshark", "-r", pcap.toString(), "-Y", "dnp3.al.func == 129", "-T", "fields", "-e", "dnp3.al.datatype", "-e", "dnp3.al.da.value");
        assertThat(dnp).contains("SN1");
    }

    /** A 1500-byte MTU link (a veth, a SPAN port) carries every frame: live replays must not lose any to size. */
    @Test
    void everyFrameFitsAStandardMtu() throws Exception {
        Path pcap = dir.resolve("mtu.pcap");
        SubstationGenerator.generate(pcap, 11, 10, 10, 300_000);
        long frames = 0;
        int largest = 0;
        try (var in = Files.newInputStream(pcap);
             var reader = io.gridscout.protocols.capture.Captures.open(new java.io.BufferedInputStream(in), "mtu.pcap")) {
            while (reader.next()) {
                frames++;
                largest = Math.max(largest, reader.originalLength());
            }
        }
        assertThat(frames).isEqualTo(300_000);
        assertThat(largest).as("largest frame (14-byte Ethernet header + 1500)").isLessThanOrEqualTo(1514).isGreaterThan(1400);
    }

    @Test
    void sameSeedSameBytes() throws Exception {
        Path a = dir.resolve("a.pcap"), b = dir.resolve("b.pcap");
        SubstationGenerator.generate(a, 42, 3, 10, 5_000);
        SubstationGenerator.generate(b, 42, 3, 10, 5_000);
        assertThat(Files.mismatch(a, b)).isEqualTo(-1);
        assertThat(Files.mismatch(SubstationGenerator.expectedPath(a), SubstationGenerator.expectedPath(b))).isEqualTo(-1);
    }

    @Test
    void analyzeFindsTheExpectedInventory() throws Exception {
        Path pcap = dir.resolve("inv.pcap"), json = dir.resolve("inv.json");
        SubstationGenerator.generate(pcap, 3, 5, 30, 30_000);
        int rc = Main.run("analyze", "--quiet", "--json", json.toString(), pcap.toString());
        assertThat(rc).isZero();
        InventoryCheck.Report rep = InventoryCheck.check(SubstationGenerator.expectedPath(pcap), json);
        assertThat(rep.problems()).isEmpty();
        assertThat(rep.assetsFound()).isEqualTo(rep.assetsExpected());
        assertThat(rep.checks()).isGreaterThan(300);
    }
}
