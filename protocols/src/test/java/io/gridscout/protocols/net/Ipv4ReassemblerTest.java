package io.gridscout.protocols.net;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static io.gridscout.protocols.testutil.Frames.*;
import static org.assertj.core.api.Assertions.assertThat;

class Ipv4ReassemblerTest {
    private static final long SEC = 1_000_000_000L;
    private final FrameView v = new FrameView();
    private final Ipv4Reassembler r = new Ipv4Reassembler(4, 30 * SEC);

    /** A 40-byte UDP datagram (header + 32 bytes) whose bytes are 0..39 after the header. */
    private static byte[] datagram() {
        byte[] payload = new byte[32];
        for (int i = 0; i < payload.length; i++) payload[i] = (byte) (i + 100);
        return udp(20000, 47808, payload);
    }

    private byte[] add(int id, byte[] whole, int from, int to, boolean more, long t) {
        return add(id, "10.0.0.1", whole, from, to, more, t);
    }

    private byte[] add(int id, String src, byte[] whole, int from, int to, boolean more, long t) {
        byte[] part = Arrays.copyOfRange(whole, from, to);
        int ff = (more ? 0x2000 : 0) | (from / 8);
        byte[] f = ipv4(ip4(src), ip4("10.0.0.2"), 17, id, ff, part);
        assertThat(FrameDecoder.decode(FrameDecoder.LINK_RAW, f, 0, f.length, v)).isEqualTo(FrameView.FRAGMENT);
        return r.add(v, t);
    }

    @Test
    void inOrder() {
        byte[] d = datagram();
        assertThat(add(1, d, 0, 16, true, 0)).isNull();
        assertThat(add(1, d, 16, 32, true, 0)).isNull();
        assertThat(add(1, d, 32, 40, false, 0)).isEqualTo(d);
        assertThat(r.inProgress()).isZero();
        assertThat(r.dropped()).isZero();
        // the result parses as the original UDP datagram
        FrameView w = new FrameView();
        w.ipProto = 17;
        assertThat(FrameDecoder.transport(d, 0, d.length, w)).isEqualTo(FrameView.UDP);
        assertThat(w.dstPort).isEqualTo(47808);
    }

    @Test
    void outOfOrderLastFirstAndOddLastLength() {
        byte[] d = Arrays.copyOf(datagram(), 37);
        assertThat(add(2, d, 32, 37, false, 0)).isNull();
        assertThat(add(2, d, 0, 8, true, 0)).isNull();
        assertThat(add(2, d, 16, 32, true, 0)).isNull();
        assertThat(add(2, d, 8, 16, true, 0)).isEqualTo(d);
    }

    @Test
    void overlapFirstCopyWinsAndDuplicatesCountOnce() {
        byte[] d = datagram();
        byte[] other = d.clone();
        Arrays.fill(other, 8, 24, (byte) 0xEE);       // an overlapping retransmission with different bytes
        assertThat(add(3, d, 0, 16, true, 0)).isNull();
        assertThat(add(3, d, 0, 16, true, 0)).isNull();      // exact duplicate
        assertThat(add(3, other, 8, 24, true, 0)).isNull();  // overlaps: only 16..24 is new
        byte[] whole = add(3, d, 24, 40, false, 0);
        byte[] expected = d.clone();
        Arrays.fill(expected, 16, 24, (byte) 0xEE);
        assertThat(whole).isEqualTo(expected);
    }

    @Test
    void interleavedDatagramsAreKeptApart() {
        byte[] a = datagram(), b = datagram();
        b[20] = 1;
        assertThat(add(7, "10.0.0.1", a, 0, 24, true, 0)).isNull();
        assertThat(add(7, "10.0.0.9", b, 0, 24, true, 0)).isNull();   // same id, other source
        assertThat(add(8, "10.0.0.1", b, 0, 24, true, 0)).isNull();   // other id
        assertThat(r.inProgress()).isEqualTo(3);
        assertThat(add(7, "10.0.0.9", b, 24, 40, false, 0)).isEqualTo(b);
        assertThat(add(7, "10.0.0.1", a, 24, 40, false, 0)).isEqualTo(a);
    }

    @Test
    void timeoutDropsIncompleteDatagrams() {
        byte[] d = datagram();
        assertThat(add(4, d, 0, 16, true, 0)).isNull();
        assertThat(add(5, d, 0, 16, true, 20 * SEC)).isNull();
        assertThat(add(6, d, 0, 16, true, 31 * SEC)).isNull();     // id 4 expires here
        assertThat(r.dropped()).isEqualTo(1);
        assertThat(add(4, d, 16, 40, false, 31 * SEC)).isNull();   // its start is gone: a new partial
        assertThat(add(5, d, 16, 40, false, 31 * SEC)).isEqualTo(d);
    }

    @Test
    void capOnDatagramsInProgressDropsOldest() {
        byte[] d = datagram();
        for (int id = 0; id < 1000; id++) assertThat(add(id, d, 0, 16, true, id)).isNull();
        assertThat(r.inProgress()).isEqualTo(4);
        assertThat(r.dropped()).isEqualTo(996);
        assertThat(add(999, d, 16, 40, false, 1000)).isEqualTo(d);
        assertThat(add(0, d, 16, 40, false, 1000)).isNull();
    }

    @Test
    void bogusOffsetBeyond64KiBIsDropped() {
        byte[] f = ipv4(ip4("10.0.0.1"), ip4("10.0.0.2"), 17, 9, 0x1FFF, new byte[64]);   // offset 65528 + 64 bytes
        FrameDecoder.decode(FrameDecoder.LINK_RAW, f, 0, f.length, v);
        assertThat(r.add(v, 0)).isNull();
        assertThat(r.inProgress()).isZero();
        assertThat(r.dropped()).isEqualTo(1);
    }

    /** Bytes past the end the last fragment declared must not count toward completion: that left holes of zeros. */
    @Test
    void fragmentsBeyondTheDeclaredEndDoNotCompleteADatagramWithHoles() {
        byte[] d = datagram();
        byte[] longer = Arrays.copyOf(d, 64);
        assertThat(add(10, d, 24, 40, false, 0)).isNull();            // last fragment: the datagram is 40 bytes
        assertThat(add(10, longer, 40, 64, true, 0)).isNull();        // bogus: beyond the end, 24 bytes
        assertThat(r.dropped()).isEqualTo(1);                          // inconsistent datagram given up
        assertThat(r.inProgress()).isZero();
        // the same the other way round: a last fragment that ends before data already received
        assertThat(add(11, longer, 40, 64, true, 0)).isNull();
        assertThat(add(11, d, 24, 40, false, 0)).isNull();
        assertThat(r.dropped()).isEqualTo(2);
        assertThat(r.inProgress()).isZero();
    }

    /** A non-last fragment must carry a multiple of 8 bytes; a ragged one must not leave unfilled bytes behind. */
    @Test
    void raggedMiddleFragmentDoesNotLeaveZeros() {
        byte[] d = datagram();
        assertThat(add(12, d, 0, 12, true, 0)).isNull();               // 12 bytes with MF: only 8 usable
        assertThat(add(12, d, 8, 40, false, 0)).isEqualTo(d);
    }
}
