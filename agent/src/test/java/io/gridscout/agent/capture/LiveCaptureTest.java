package io.gridscout.agent.capture;

import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The capture path itself on {@code lo}: what {@link PcapNext} reads from libpcap's header (lengths, time) and the
 * batches {@link FrameQueue} hands over, checked against datagrams this test sends to itself. CI runs as root.
 */
class LiveCaptureTest {
    private static final int ETH_IP_UDP = 14 + 20 + 8;

    @Test
    void everyDatagramArrivesOnceInOrderWithItsLengthAndTime() throws Exception {
        try (DatagramSocket rx = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             DatagramSocket tx = new DatagramSocket()) {
            int port = rx.getLocalPort();
            FrameQueue queue = new FrameQueue(64 * FrameQueue.BATCH_FRAMES);
            LiveCapture capture = LiveCapture.start("lo", new CaptureOptions("udp dst port " + port, 65_535, false,
                    CaptureOptions.DEFAULT_BUFFER), queue);
            List<long[]> seen = new ArrayList<>();   // {sequence, captured length, wire length, time}
            long before;
            int n = 5000;
            try {
                Thread.sleep(300);   // the filter is in place
                before = System.currentTimeMillis() * 1_000_000L;
                for (int i = 0; i < n; i++) {
                    byte[] p = new byte[8 + i % 300];
                    ByteBuffer.wrap(p).putInt(i).putInt(p.length);
                    tx.send(new DatagramPacket(p, p.length, InetAddress.getLoopbackAddress(), port));
                }
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (seen.size() < n && System.nanoTime() < deadline) {
                    FrameBatch b = queue.poll(50);
                    if (b == null) continue;
                    for (int i = 0; i < b.size(); i++) {
                        ByteBuffer f = ByteBuffer.wrap(b.data(), b.offset(i), b.length(i));
                        f.position(b.offset(i) + ETH_IP_UDP);
                        seen.add(new long[] {f.getInt(), b.length(i), b.wireLength(i), b.timeNanos(i), f.getInt()});
                    }
                    queue.recycle(b);
                }
            } finally {
                capture.close();
            }
            long after = System.currentTimeMillis() * 1_000_000L;
            assertThat(seen).hasSize(n);
            assertThat(queue.dropped()).isZero();
            assertThat(capture.stats().kernelDrops()).isZero();
            for (int i = 0; i < n; i++) {
                long[] s = seen.get(i);
                assertThat(s[0]).as("sequence").isEqualTo(i);
                assertThat(s[1]).as("captured length of %d", i).isEqualTo(ETH_IP_UDP + s[4]).isEqualTo(s[2]);
                assertThat(s[3]).as("time of %d", i).isBetween(before - 1_000_000_000L, after + 1_000_000_000L);
                if (i > 0) assertThat(s[3]).isGreaterThanOrEqualTo(seen.get(i - 1)[3]);
            }
            assertThat(capture.frames()).isEqualTo(n);
        }
    }

    @Test
    void snapLengthCutsTheCopyNotTheWireLength() throws Exception {
        try (DatagramSocket rx = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             DatagramSocket tx = new DatagramSocket()) {
            int port = rx.getLocalPort();
            FrameQueue queue = new FrameQueue(4096);
            LiveCapture capture = LiveCapture.start("lo", new CaptureOptions("udp dst port " + port, 100, false,
                    CaptureOptions.DEFAULT_BUFFER), queue);
            FrameBatch b = null;
            try {
                Thread.sleep(300);
                tx.send(new DatagramPacket(new byte[1000], 1000, InetAddress.getLoopbackAddress(), port));
                // one datagram on a quiet interface: its partly filled batch is handed over after the poll times out
                for (int i = 0; i < 100 && b == null; i++) b = queue.poll(50);
            } finally {
                capture.close();
            }
            assertThat(b).isNotNull();
            assertThat(b.size()).isEqualTo(1);
            assertThat(b.length(0)).isEqualTo(100);
            assertThat(b.wireLength(0)).isEqualTo(ETH_IP_UDP + 1000);
        }
    }

    /** Two capture threads (two interfaces in the agent) share one queue: each one's frames stay in order. */
    @Test
    void twoCapturesShareOneQueueEachInOrder() throws Exception {
        try (DatagramSocket rxA = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             DatagramSocket rxB = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             DatagramSocket tx = new DatagramSocket()) {
            FrameQueue queue = new FrameQueue(64 * FrameQueue.BATCH_FRAMES);
            int[] ports = {rxA.getLocalPort(), rxB.getLocalPort()};
            LiveCapture a = LiveCapture.start("lo", new CaptureOptions("udp dst port " + ports[0], 65_535, false, CaptureOptions.DEFAULT_BUFFER), queue);
            LiveCapture b = LiveCapture.start("lo", new CaptureOptions("udp dst port " + ports[1], 65_535, false, CaptureOptions.DEFAULT_BUFFER), queue);
            int n = 3000;
            List<List<Integer>> seen = List.of(new ArrayList<>(), new ArrayList<>());
            try {
                Thread.sleep(300);
                for (int i = 0; i < n; i++) {
                    for (int k = 0; k < 2; k++) {
                        byte[] p = ByteBuffer.allocate(8).putInt(i).putInt(k).array();
                        tx.send(new DatagramPacket(p, p.length, InetAddress.getLoopbackAddress(), ports[k]));
                    }
                    if (i % 700 == 0) Thread.sleep(60);   // quiet moments: partly filled batches are taken too
                }
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (seen.get(0).size() + seen.get(1).size() < 2 * n && System.nanoTime() < deadline) {
                    FrameBatch batch = queue.poll(50);
                    if (batch == null) continue;
                    for (int i = 0; i < batch.size(); i++) {
                        ByteBuffer f = ByteBuffer.wrap(batch.data());
                        f.position(batch.offset(i) + ETH_IP_UDP);
                        int seq = f.getInt(), k = f.getInt();
                        seen.get(k).add(seq);
                    }
                    queue.recycle(batch);
                }
            } finally {
                a.close();
                b.close();
            }
            List<Integer> expected = java.util.stream.IntStream.range(0, n).boxed().toList();
            assertThat(seen.get(0)).as("capture A").isEqualTo(expected);
            assertThat(seen.get(1)).as("capture B").isEqualTo(expected);
            assertThat(queue.dropped()).isZero();
        }
    }

    /** pcap_next_ex blocks on an idle interface; breakLoop must still end the capture thread at once. */
    @Test
    void idleCaptureStopsPromptly() throws Exception {
        FrameQueue queue = new FrameQueue(4096);
        LiveCapture capture = LiveCapture.start("lo", new CaptureOptions("udp dst port 9 and host 192.0.2.1", 65_535, false,
                CaptureOptions.DEFAULT_BUFFER), queue);
        Thread.sleep(500);
        assertThat(capture.running()).isTrue();
        assertTimeoutPreemptively(Duration.ofSeconds(5), capture::close);
        assertThat(capture.running()).as("the blocked pcap_next_ex returned on breakLoop").isFalse();
        assertThat(capture.failure()).isNull();
        assertThat(capture.frames()).isZero();
        assertThat(queue.poll(10)).isNull();
    }
}
