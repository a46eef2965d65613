package io.gridscout.bench;

import io.gridscout.agent.analyze.CaptureAnalyzer;
import io.gridscout.agent.output.InventoryJson;
import io.gridscout.mapping.inventory.InventoryBuilder;
import io.gridscout.protocols.flow.FlowTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The multi-core mode on the synthetic substation mix: 300k packets (all protocols, flows that close, expire
 * and stay open) give byte-identical inventory JSON with 1, 2 and 3 workers, and that inventory passes the
 * generator's expected-inventory check.
 */
class ShardedBenchCaptureTest {
    @TempDir
    Path tmp;

    static String analyze(Path pcap, int workers) throws IOException {
        return analyze(pcap, workers, FlowTable.Limits.defaults());
    }

    static String analyze(Path pcap, int workers, FlowTable.Limits limits) throws IOException {
        InventoryBuilder builder = new InventoryBuilder();
        CaptureAnalyzer analyzer = new CaptureAnalyzer(builder, limits, Set.of(), workers);
        analyzer.analyze(pcap, null);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InventoryJson.write(builder.snapshot(), "test", out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void generatedMixIsIdenticalOnOneTwoAndThreeWorkers() throws IOException {
        Path pcap = tmp.resolve("mix.pcap");
        SubstationGenerator.generate(pcap, 7, 4, 10, 300_000);
        String one = analyze(pcap, 1);
        assertThat(one).contains("\"modbus\"").contains("\"dnp3\"").contains("\"opcua\"");
        assertThat(analyze(pcap, 2)).isEqualTo(one);
        assertThat(analyze(pcap, 3)).isEqualTo(one);
    }

    /**
     * A flow cap with little headroom (this mix peaks at ~3,500 concurrent flows; cap 4,000): one pipeline evicts
     * nothing, and neither do 2 or 3 workers, because each lane's cap is its share of the flows (the reader's lane
     * runs ~5 %), not max-flows / N (which made the busy worker lane evict at 2,000).
     */
    @Test
    void tightFlowCapIsSharedByLoadNotEvenly() throws IOException {
        Path pcap = tmp.resolve("mix.pcap");
        SubstationGenerator.generate(pcap, 7, 4, 10, 300_000);
        FlowTable.Limits d = FlowTable.Limits.defaults();
        FlowTable.Limits tight = new FlowTable.Limits(4_000, d.idleTimeoutNanos(), d.tcpBufferBytes(), d.detectAttempts());
        String one = analyze(pcap, 1, tight);
        assertThat(one).as("precondition: one pipeline fits the cap").containsPattern("\"flowsEvicted\"\\s*:\\s*0\\b");
        assertThat(analyze(pcap, 2, tight)).isEqualTo(one);
        assertThat(analyze(pcap, 3, tight)).isEqualTo(one);
    }
}
