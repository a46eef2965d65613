package io.gridscout.bench;

import io.gridscout.agent.analyze.CaptureAnalyzer;
import io.gridscout.mapping.inventory.InventoryBuilder;
import io.gridscout.protocols.flow.FlowTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Regression: every FIN-closed connection (the generator's HTTP fetches) used to count two TCP gaps. */
class GracefulCloseTest {
    @TempDir
    Path dir;

    @Test
    void lossFreeCaptureHasNoTcpGaps() throws Exception {
        Path pcap = dir.resolve("closes.pcap");
        SubstationGenerator.generate(pcap, 5, 3, 10, 20_000);
        CaptureAnalyzer a = new CaptureAnalyzer(new InventoryBuilder(), FlowTable.Limits.defaults());
        a.analyze(pcap, null);
        assertThat(a.totals().flowsCreated).isGreaterThan(100);
        assertThat(a.totals().tcpGaps).isZero();
    }
}
