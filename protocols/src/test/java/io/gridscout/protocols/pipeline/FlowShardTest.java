package io.gridscout.protocols.pipeline;

import io.gridscout.protocols.capture.CaptureReader;
import io.gridscout.protocols.capture.Captures;
import io.gridscout.protocols.net.FrameDecoder;
import io.gridscout.protocols.net.FrameView;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bucket read straight off the bytes must be the decoded frame's wherever it answers: otherwise the frames of
 * one flow would be split between lanes and sharded analysis would differ from one pipeline.
 */
class FlowShardTest {
    private static List<Path> captures(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".pcap") || p.toString().endsWith(".pcapng")).sorted().toList();
        }
    }

    @Test
    void quickBucketAgreesWithTheDecodedFramesOnEveryOwnCapture() throws IOException {
        long[] counts = agree(captures(io.gridscout.protocols.testutil.Captures.root().resolve("testdata/pcaps")));
        assertThat(counts[0] - counts[2]).isGreaterThan(counts[1] * 7 / 10);
    }

    /** The third-party captures add GOOSE, ARP, LLC, VLAN-tagged and IPv6 frames. */
    @org.junit.jupiter.api.Tag(io.gridscout.protocols.testutil.Captures.SHARED)
    @Test
    void quickBucketAgreesWithTheDecodedFramesOnEverySharedCapture() throws IOException {
        long[] counts = agree(captures(io.gridscout.protocols.testutil.Captures.sharedDir().resolve("pcaps")));
        // the fast path carries most flow frames of these captures (Ethernet, IPv4), or it saves nothing
        assertThat(counts[0] - counts[2]).isGreaterThan(counts[1] * 7 / 10);
        assertThat(counts[2]).as("GOOSE, ARP, LLC... without a decode").isGreaterThan(1000);
    }

    /** Frames answered by the fast path, flow frames, non-IP frames answered by the fast path. */
    private static long[] agree(List<Path> files) throws IOException {
        assertThat(files).isNotEmpty();
        FrameView v = new FrameView();
        long quick = 0, flowFrames = 0, nonIp = 0;
        for (Path file : files) {
            try (CaptureReader r = Captures.open(file)) {
                while (r.next()) {
                    byte[] b = Arrays.copyOfRange(r.data(), r.offset(), r.offset() + r.capturedLength());
                    int kind = FrameDecoder.decode(r.linkType(), b, 0, b.length, v);
                    int decoded = FlowShard.bucket(v);
                    if (decoded >= 0) flowFrames++;
                    int q = FlowShard.quickBucket(r.linkType(), b, 0, b.length);
                    if (q == FlowShard.DECODE) continue;
                    quick++;
                    assertThat(q).as("%s kind %d", file.getFileName(), kind).isBetween(-1, FlowShard.BUCKETS - 1);
                    if (kind != FrameView.MALFORMED) assertThat(q).as("%s", file.getFileName()).isEqualTo(decoded);
                    if (q == -1) nonIp++;
                }
            }
        }
        return new long[] {quick, flowFrames, nonIp};
    }

    @Test
    void quickBucketAgreesOnMutatedFrames() throws IOException {
        // headers with random bytes flipped: VLAN tags, version, flags, protocol, lengths; whatever the fast path
        // answers must be the decoder's answer, or the decoder must find the frame malformed
        FrameView v = new FrameView();
        SplittableRandom rnd = new SplittableRandom(7);
        int answered = 0;
        for (Path file : captures(io.gridscout.protocols.testutil.Captures.root().resolve("testdata/pcaps"))) {
            try (CaptureReader r = Captures.open(file)) {
                for (int i = 0; i < 200 && r.next(); i++) {
                    if (r.linkType() != 1) break;
                    byte[] orig = Arrays.copyOfRange(r.data(), r.offset(), r.offset() + r.capturedLength());
                    for (int m = 0; m < 20; m++) {
                        byte[] b = orig.clone();
                        int len = rnd.nextInt(4) == 0 ? rnd.nextInt(b.length + 1) : b.length;
                        for (int k = 0; k < 3 && len > 0; k++) b[rnd.nextInt(Math.min(len, 60))] = (byte) rnd.nextInt(256);
                        if (rnd.nextBoolean() && len >= 18) {        // an 802.1Q tag in front of whatever follows
                            b = concat(Arrays.copyOf(b, 12), new byte[] {(byte) 0x81, 0, 0, 5}, Arrays.copyOfRange(b, 12, len));
                            len = b.length;
                        }
                        int q = FlowShard.quickBucket(1, b, 0, len);
                        int kind = FrameDecoder.decode(1, b, 0, len, v);
                        if (q == FlowShard.DECODE || kind == FrameView.MALFORMED) continue;
                        answered++;
                        assertThat(q).as("%s frame %d", file.getFileName(), i).isEqualTo(FlowShard.bucket(v));
                    }
                }
            }
        }
        assertThat(answered).isGreaterThan(1000);
    }

    @Test
    void bothDirectionsShareABucket() {
        byte[] ab = ipv4Tcp(0x0A000001, 0x0A000002), ba = ipv4Tcp(0x0A000002, 0x0A000001);
        assertThat(FlowShard.quickBucket(1, ab, 0, ab.length)).isNotEqualTo(FlowShard.DECODE)
                .isEqualTo(FlowShard.quickBucket(1, ba, 0, ba.length));
    }

    private static byte[] ipv4Tcp(int src, int dst) {
        byte[] b = new byte[54];
        b[12] = 0x08;
        b[14] = 0x45;
        b[17] = 40;
        b[22] = 64;
        b[23] = 6;
        for (int i = 0; i < 4; i++) {
            b[26 + i] = (byte) (src >>> (24 - 8 * i));
            b[30 + i] = (byte) (dst >>> (24 - 8 * i));
        }
        b[46] = 0x50;
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
