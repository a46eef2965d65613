package io.gridscout.protocols.flow;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class TcpStreamTest {
    /** Records delivered bytes, with '|' markers where gaps were announced. */
    static final class Out implements TcpStream.Consumer {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final StringBuilder trace = new StringBuilder();
        int gaps;

        @Override
        public void onBytes(byte[] buf, int off, int len, long t) {
            assertThat(len).isPositive();
            bytes.write(buf, off, len);
            trace.append(new String(buf, off, len, java.nio.charset.StandardCharsets.ISO_8859_1));
        }

        @Override
        public void onGap(long t) {
            gaps++;
            trace.append('|');
        }

        String text() {
            return trace.toString();
        }
    }

    private static final byte[] DATA = "abcdefghijklmnopqrstuvwxyz0123456789".getBytes();
    private final Out out = new Out();

    /** Sends DATA[from, to) at sequence isn + 1 + from. */
    private static void send(TcpStream s, int isn, int from, int to, Out out) {
        s.segment(isn + 1 + from, DATA, from, to - from, 0, out);
    }

    @Test
    void inOrder() {
        TcpStream s = new TcpStream(1024);
        s.onSyn(1000);
        send(s, 1000, 0, 10, out);
        send(s, 1000, 10, 36, out);
        assertThat(out.text()).isEqualTo(new String(DATA));
        assertThat(out.gaps).isZero();
    }

    @Test
    void outOfOrderIsReordered() {
        TcpStream s = new TcpStream(1024);
        s.onSyn(1000);
        send(s, 1000, 20, 36, out);
        send(s, 1000, 10, 20, out);
        assertThat(out.text()).isEmpty();
        assertThat(s.bufferedBytes()).isEqualTo(26);
        send(s, 1000, 0, 10, out);
        assertThat(out.text()).isEqualTo(new String(DATA));
        assertThat(s.bufferedBytes()).isZero();
    }

    @Test
    void retransmissionsAndOverlapsAreDeliveredOnce() {
        TcpStream s = new TcpStream(1024);
        s.onSyn(1000);
        send(s, 1000, 0, 10, out);
        send(s, 1000, 0, 10, out);          // pure retransmission
        send(s, 1000, 5, 15, out);          // overlap: 10..15 new
        send(s, 1000, 20, 30, out);         // early
        send(s, 1000, 18, 25, out);         // early, overlapping the queued one
        send(s, 1000, 20, 30, out);         // duplicate of a queued segment
        send(s, 1000, 12, 20, out);         // fills the hole, overlaps both sides
        send(s, 1000, 0, 36, out);          // everything again
        assertThat(out.text()).isEqualTo(new String(DATA));
        assertThat(out.gaps).isZero();
    }

    @Test
    void segmentLargerThanTheCapIsDeliveredAfterAGap() {
        TcpStream s = new TcpStream(8);
        s.onSyn(1000);
        send(s, 1000, 0, 4, out);
        send(s, 1000, 10, 36, out);
        assertThat(out.text()).isEqualTo("abcd|" + new String(DATA, 10, 26));
    }

    @Test
    void ackOfUnseenBytesIsAGap() {
        TcpStream s = new TcpStream(1024);
        s.onSyn(1000);
        send(s, 1000, 0, 4, out);
        s.acknowledged(1001 + 10, 0, out);   // peer got 4..10, the capture did not
        send(s, 1000, 10, 20, out);
        assertThat(out.text()).isEqualTo("abcd|klmnopqrst");
        s.acknowledged(1001 + 20, 0, out);   // nothing unseen
        s.acknowledged(1001 + 5, 0, out);    // old ack
        assertThat(out.gaps).isEqualTo(1);
    }

    @Test
    void flushDeliversQueuedSegmentsWithGapNotices() {
        TcpStream s = new TcpStream(1024);
        s.onSyn(1000);
        send(s, 1000, 0, 4, out);
        send(s, 1000, 30, 36, out);
        send(s, 1000, 10, 20, out);
        s.flush(0, out);
        assertThat(out.text()).isEqualTo("abcd|klmnopqrst|456789");
        assertThat(s.bufferedBytes()).isZero();
    }

    @Test
    void sequenceWrapAroundAt2To32() {
        int isn = -1 - 20;                  // data crosses 0xFFFFFFFF -> 0 after 20 bytes
        TcpStream s = new TcpStream(1024);
        s.onSyn(isn);
        send(s, isn, 0, 10, out);
        send(s, isn, 25, 36, out);          // after the wrap, early
        send(s, isn, 15, 25, out);          // straddles the wrap, early
        send(s, isn, 10, 15, out);
        send(s, isn, 5, 30, out);           // retransmission across the wrap
        assertThat(out.text()).isEqualTo(new String(DATA));
        assertThat(out.gaps).isZero();
    }

    @Test
    void midStreamStartTakesFirstSegmentAsOrigin() {
        TcpStream s = new TcpStream(1024);
        s.segment(77777, DATA, 0, 5, 0, out);
        assertThat(s.started()).isTrue();
        s.segment(77782, DATA, 5, 5, 0, out);
        assertThat(out.text()).isEqualTo("abcdefghij");
    }

    @Test
    void endlessOutOfOrderFloodStaysBounded() {
        TcpStream s = new TcpStream(4096);
        s.onSyn(0);
        Random rnd = new Random(42);
        byte[] seg = new byte[100];
        for (int i = 0; i < 200_000; i++) {
            int len = 1 + rnd.nextInt(seg.length);
            int seq = 2 + rnd.nextInt(1 << 24);            // never the next expected byte
            s.segment(seq, seg, 0, len, i, out);
            assertThat(s.bufferedBytes()).isLessThanOrEqualTo(4096);
        }
        // many tiny segments: the segment count is capped as well as the bytes
        TcpStream t = new TcpStream(1 << 20);
        t.onSyn(0);
        for (int i = 0; i < 10_000; i++) {
            t.segment(10 + 3 * (i % 5000) + 1, seg, 0, 1, i, out);
            assertThat(t.bufferedBytes()).isLessThanOrEqualTo(64);
        }
        assertThat(t.gaps()).isPositive();
    }

    @Test
    void randomSegmentationAndReorderingDeliversTheStreamExactly() {
        Random rnd = new Random(7);
        byte[] stream = new byte[5000];
        rnd.nextBytes(stream);
        for (int round = 0; round < 50; round++) {
            int isn = rnd.nextInt();
            int[] cuts = rnd.ints(40, 1, stream.length).sorted().distinct().toArray();
            int[] bounds = new int[cuts.length + 2];
            System.arraycopy(cuts, 0, bounds, 1, cuts.length);
            bounds[bounds.length - 1] = stream.length;
            // shuffle adjacent segments (small reordering window) and duplicate some
            int n = bounds.length - 1;
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) order[i] = i;
            for (int i = 0; i + 1 < n; i += 2) if (rnd.nextBoolean()) { Integer x = order[i]; order[i] = order[i + 1]; order[i + 1] = x; }
            TcpStream s = new TcpStream(64 * 1024);
            s.onSyn(isn);
            Out o = new Out();
            for (int k : order) {
                int from = bounds[k], to = bounds[k + 1];
                if (to <= from) continue;
                s.segment(isn + 1 + from, stream, from, to - from, 0, o);
                if (rnd.nextInt(4) == 0) s.segment(isn + 1 + from, stream, from, to - from, 0, o);
            }
            assertThat(o.gaps).isZero();
            assertThat(o.bytes.toByteArray()).isEqualTo(stream);
        }
    }

    /** After the cap gave up a hole, a segment that is now in order was queued instead of delivered and the stream stalled. */
    @Test
    void byteCapGivesUpTheHoleAndDeliveryResumes() {
        TcpStream s = new TcpStream(16);
        s.onSyn(1000);
        send(s, 1000, 0, 4, out);
        send(s, 1000, 10, 20, out);         // 10 queued
        send(s, 1000, 20, 30, out);         // would make 20 > 16: give up on 4..10, then 20..30 is in order
        assertThat(out.text()).isEqualTo("abcd|klmnopqrstuvwxyz0123");
        assertThat(s.bufferedBytes()).isZero();
        send(s, 1000, 30, 36, out);
        assertThat(out.text()).isEqualTo("abcd|klmnopqrstuvwxyz0123456789");
        assertThat(s.gaps()).isEqualTo(1);
        // a segment overlapping what the skip delivered: only its new tail, never bytes twice
        TcpStream t = new TcpStream(16);
        Out o = new Out();
        t.onSyn(1000);
        send(t, 1000, 10, 20, o);
        send(t, 1000, 5, 30, o);            // 25 bytes > cap: straight after a gap
        assertThat(o.text()).isEqualTo("|" + new String(DATA, 5, 25));
    }

    /** One segment missed by the capture, later ones queued, then the peer ACKs them all: the queued bytes were thrown away. */
    @Test
    void ackPastQueuedSegmentsDeliversThemAfterTheGap() {
        TcpStream s = new TcpStream(1024);
        s.onSyn(1000);
        send(s, 1000, 0, 4, out);
        send(s, 1000, 10, 20, out);         // 4..10 never captured
        send(s, 1000, 25, 30, out);         // 20..25 never captured
        s.acknowledged(1001 + 32, 0, out);  // 30..32 never captured either
        assertThat(out.text()).isEqualTo("abcd|klmnopqrst|z0123|");
        send(s, 1000, 32, 36, out);
        assertThat(out.text()).isEqualTo("abcd|klmnopqrst|z0123|6789");
        assertThat(s.bufferedBytes()).isZero();
    }

    /**
     * Fuzzing find (round 3): a segment exactly 2^31 bytes from the next expected byte. Its relative position is
     * Integer.MIN_VALUE, whose int negation is still negative, and the "skip" became a negative array index that
     * escaped the pipeline. It is 2^31 behind: old bytes, dropped like any retransmission.
     */
    @Test
    void segmentTwoToTheThirtyOneAwayIsOldNotANegativeSkip() {
        TcpStream s = new TcpStream(1 << 16);
        s.segment(1000, DATA, 0, 10, 0, out);
        s.segment(1010 + Integer.MIN_VALUE, DATA, 10, 10, 0, out);
        assertThat(out.text()).isEqualTo("abcdefghij");
        s.segment(1010, DATA, 10, 5, 0, out);
        assertThat(out.text()).isEqualTo("abcdefghijklmno");
    }
}
