package io.gridscout.agent.capture;

import io.gridscout.agent.TestFiles;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class CaptureTest {
    @Test
    void fullQueueDropsAndCounts() throws Exception {
        FrameQueue q = new FrameQueue(2, 2, 64);   // 2 batches of 2 frames
        FrameQueue.Producer p = q.producer();
        for (int i = 0; i < 6; i++) p.add(1, new byte[] {(byte) i}, 60 + i, i);
        assertThat(q.dropped()).as("frames 4 and 5: both batches queued, none free").isEqualTo(2);
        assertThat(q.size()).isEqualTo(4);
        FrameBatch a = q.poll(0), b = q.poll(0);
        assertThat(frames(a)).containsExactly(0, 1);
        assertThat(frames(b)).containsExactly(2, 3);
        assertThat(a.wireLength(1)).isEqualTo(61);
        assertThat(b.timeNanos(0)).isEqualTo(2);
        assertThat(q.poll(10)).as("nothing queued, nothing partly filled").isNull();
        q.recycle(a);
        q.recycle(b);
        p.add(1, new byte[] {6, 7, 8}, 3, 6);
        assertThat(q.size()).isZero();
        FrameBatch quiet = q.poll(10);
        assertThat(quiet).as("a quiet producer's partial batch is taken after the poll times out").isNotNull();
        assertThat(quiet.size()).isEqualTo(1);
        assertThat(java.util.Arrays.copyOfRange(quiet.data(), quiet.offset(0), quiet.offset(0) + quiet.length(0))).containsExactly(6, 7, 8);
    }

    @Test
    void partialBatchesComeAfterQueuedOnes() throws Exception {
        FrameQueue q = new FrameQueue(4, 2, 64);
        FrameQueue.Producer p = q.producer(), other = q.producer();
        for (int i = 0; i < 3; i++) p.add(1, new byte[] {(byte) i}, 1, i);   // [0,1] queued, [2] filling
        other.add(1, new byte[] {9}, 1, 9);
        FrameBatch first = q.poll(5);
        assertThat(frames(first)).containsExactly(0, 1);
        // p has nothing queued now: its partial batch may go, in order; other's too
        java.util.List<Integer> rest = new java.util.ArrayList<>();
        for (FrameBatch b; (b = q.poll(1)) != null; ) rest.addAll(frames(b));
        assertThat(rest).containsExactlyInAnyOrder(2, 9);
        p.add(1, new byte[] {3}, 1, 3);
        p.flush();
        assertThat(q.size()).as("flush queues a partial batch").isEqualTo(1);
        assertThat(frames(q.poll(0))).containsExactly(3);
    }

    @Test
    void oversizedFrameGetsAnArenaOfItsOwn() throws Exception {
        FrameQueue q = new FrameQueue(2, 4, 16);
        FrameQueue.Producer p = q.producer();
        p.add(1, new byte[100], 100, 0);
        assertThat(q.dropped()).isZero();
        assertThat(q.poll(1).length(0)).isEqualTo(100);
    }

    private static java.util.List<Integer> frames(FrameBatch b) {
        java.util.List<Integer> out = new java.util.ArrayList<>();
        for (int i = 0; i < b.size(); i++) out.add((int) b.data()[b.offset(i)]);
        return out;
    }

    /** Passive by construction: no production code calls a pcap4j sending method. */
    @Test
    void noCodePathSends() throws Exception {
        Path main = TestFiles.root().resolve("agent/src/main/java");
        List<String> sending = List.of("sendPacket", "pcap_inject", "pcap_sendpacket", "PcapDumper", "sendqueue", "SendQueue");
        try (Stream<Path> files = Files.walk(main)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String src = Files.readString(f);
                for (String s : sending) assertThat(src).as(f + " uses " + s).doesNotContain(s);
            }
        }
    }
}
