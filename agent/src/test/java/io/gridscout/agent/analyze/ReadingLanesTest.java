package io.gridscout.agent.analyze;

import io.gridscout.mapping.inventory.InventoryBuilder;
import io.gridscout.protocols.Protocols;
import io.gridscout.protocols.capture.CaptureReader;
import io.gridscout.protocols.capture.Captures;
import io.gridscout.protocols.flow.FlowTable;
import io.gridscout.protocols.pipeline.Pipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Lanes that each read the file must all read the same frames, or the analysis fails rather than differ. */
class ReadingLanesTest {

    /** The reader's frames from {@code main}, the worker's own reader over {@code theirs}; returns frames read. */
    private static long run(Path main, Path theirs) throws IOException, InterruptedException {
        InventoryBuilder inventory = new InventoryBuilder();
        try (ReadingLanes lanes = new ReadingLanes(2, (share, sink) -> new Pipeline(sink, Protocols.ipProtocols(),
                Protocols.etherTypeProtocols(), FlowTable.Limits.defaults()), inventory, 0.05, () -> Captures.open(theirs));
             CaptureReader r = Captures.open(main)) {
            long n = 0, last = 0;
            while (r.next()) {
                last = r.timestampNanos();
                lanes.frame(r.linkType(), r.data(), r.offset(), r.capturedLength(), r.originalLength(), last);
                n++;
            }
            lanes.finish(last);
            return n;
        }
    }

    @Test
    void aWorkerThatReadOtherFramesFailsTheAnalysis(@TempDir Path tmp) throws Exception {
        Path src = ShardedAnalysisTest.captures().stream()
                .filter(p -> p.getFileName().toString().startsWith("modbus-zeek-modbusBig")).findFirst().orElseThrow();
        byte[] bytes = Files.readAllBytes(src);
        Path whole = Files.write(tmp.resolve("whole.pcap"), bytes);
        Path cut = Files.write(tmp.resolve("cut.pcap"), Arrays.copyOf(bytes, bytes.length / 3));   // fewer rounds
        Path nearlyWhole = Files.write(tmp.resolve("nearly.pcap"), Arrays.copyOf(bytes, bytes.length - 200)); // same rounds
        assertThat(run(whole, whole)).isGreaterThan(3L * ReadingLanes.ROUND / 4);
        for (Path other : new Path[] {cut, nearlyWhole}) {
            assertThatThrownBy(() -> run(whole, other)).as(other.getFileName().toString())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("frames");
            assertThatThrownBy(() -> run(other, whole)).as("reader on " + other.getFileName())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("frames");
        }
    }

    @Test
    void aWorkerThatCannotOpenTheFileFailsTheAnalysis(@TempDir Path tmp) throws Exception {
        Path src = ShardedAnalysisTest.captures().get(0);
        assertThatThrownBy(() -> run(src, tmp.resolve("missing.pcap")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("worker 1 failed");
    }
}
