package io.gridscout.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Floods of 1M packets analysed in a separate JVM capped at 256 MiB of heap: the run succeeds, what was evicted
 * or dropped is counted, and the industrial devices heard before and after the flood are all in the inventory
 * with their protocol role and identity.
 */
class FloodTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(FloodGenerator.Flood.class)
    void staysUnderTheHeapCapAndKeepsIndustrialAssets(FloodGenerator.Flood kind) throws Exception {
        Path pcap = dir.resolve(kind + ".pcap"), json = dir.resolve(kind + ".json");
        List<Device> devices = FloodGenerator.generate(pcap, kind, 1_000_000, 1);
        String cp = System.getProperty("bench.classpath", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-cp", cp, "io.gridscout.agent.cli.Main",
                "analyze", "--stats", "--quiet", "--json", json.toString(), pcap.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        assertThat(rc).as(out).isIn(0, 1);           // 1: the flow table overflowed (a warning), results complete
        assertThat(out).doesNotContain("OutOfMemoryError").contains("packets: ");
        JsonNode inv = new ObjectMapper().readTree(json.toFile());
        for (Device d : devices) {
            String ip = Frames.ip(d.ip);
            JsonNode asset = null;
            for (JsonNode a : inv.path("assets")) for (JsonNode i : a.path("ips")) if (i.asText().equals(ip)) asset = a;
            assertThat(asset).as(kind + ": industrial asset " + ip + " kept").isNotNull();
            String proto = SubstationGenerator.protocol(d.kind);
            assertThat(asset.path("services").findValuesAsText("protocol")).as(ip).contains(proto);
            String someIdentity = d.identity.values().iterator().next();
            assertThat(asset.path("attributes").findValuesAsText("value")).as(ip).contains(someIdentity);
        }
        JsonNode counters = inv.path("counters");
        switch (kind) {
            case SYN_SCAN -> {
                assertThat(out).containsPattern("flows: 100\\d{4} created, 9\\d{5} evicted");
                assertThat(counters.path("flowsEvicted").asLong()).isGreaterThan(800_000);
            }
            case RANDOM_SOURCES -> {
                assertThat(counters.path("flowsEvicted").asLong()).isGreaterThan(800_000);
                assertThat(counters.path("hostsDropped").asLong() + counters.path("hostsEvicted").asLong()).isGreaterThan(800_000);
                assertThat(inv.path("assets").size()).isLessThanOrEqualTo(100_000);
            }
            case OUT_OF_ORDER, LYING_LENGTHS -> assertThat(out).containsPattern("flows: [0-9]{1,2} created, 0 evicted");
        }
    }
}
