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
        FrameQueue q = new FrameQueue(2);
        for (int i = 0; i < 5; i++) q.offer(new Frame(1, new byte[] {(byte) i}, 1, i));
        assertThat(q.dropped()).isEqualTo(3);
        assertThat(q.poll(0).data()[0]).isEqualTo((byte) 0);
        assertThat(q.poll(0).data()[0]).isEqualTo((byte) 1);
        assertThat(q.poll(10)).isNull();
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
