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
        Path src = ShardedAnalysisTest.substation();
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

    /** A pcap of {@code frames} copies of {@code src}'s first record, a millisecond apart. */
    private static Path repeated(Path src, int frames, Path out) throws IOException {
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(Files.readAllBytes(src)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertThat(in.getInt(0)).isEqualTo(0xa1b2c3d4);
        int caplen = in.getInt(24 + 8);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(24 + frames * (16 + caplen)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put(Arrays.copyOf(in.array(), 24));
        for (int i = 0; i < frames; i++) {
            b.putInt(1_700_000_000 + i / 1000).putInt(i % 1000 * 1000).putInt(caplen).putInt(in.getInt(24 + 12));
            b.put(in.array(), 24 + 16, caplen);
        }
        return Files.write(out, b.array());
    }

    @Test
    void framesBeyondTheReadersLastFullRoundFailTheAnalysis(@TempDir Path tmp) throws Exception {
        // the reader's input ends exactly at a round's end: its last lane map is empty, a worker that reads on
        // must see that rather than wait for a map that will not come
        Path src = ShardedAnalysisTest.substation();
        Path exact = repeated(src, ReadingLanes.ROUND, tmp.resolve("exact.pcap"));
        Path more = repeated(src, ReadingLanes.ROUND + 3, tmp.resolve("more.pcap"));
        assertThat(run(exact, exact)).isEqualTo(ReadingLanes.ROUND);
        assertThat(run(more, more)).isEqualTo(ReadingLanes.ROUND + 3);
        assertThatThrownBy(() -> run(exact, more)).isInstanceOf(IllegalStateException.class).hasMessageContaining("frames");
        assertThatThrownBy(() -> run(more, exact)).isInstanceOf(IllegalStateException.class).hasMessageContaining("frames");
    }

    @Test
    void aWorkerThatCannotOpenTheFileFailsTheAnalysis(@TempDir Path tmp) throws Exception {
        Path src = ShardedAnalysisTest.captures().get(0);
        assertThatThrownBy(() -> run(src, tmp.resolve("missing.pcap")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("worker 1 failed");
    }
}
