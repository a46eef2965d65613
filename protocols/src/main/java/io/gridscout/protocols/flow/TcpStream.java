package io.gridscout.protocols.flow;

/**
 * One direction of a TCP connection put back in order. In-order bytes go straight to the consumer from the
 * capture buffer (no copy); early segments are copied into a small bounded queue. When the queue would exceed
 * its byte cap, or the peer acknowledges bytes this capture never saw, the consumer is told about a gap and
 * delivery resumes at the next buffered segment. Retransmitted and overlapping bytes are delivered once.
 */
public final class TcpStream {
    /** Receives the ordered bytes of this direction. */
    public interface Consumer {
        void onBytes(byte[] buf, int off, int len, long timeNanos);

        void onGap(long timeNanos);
    }

    private static final int MAX_SEGMENTS = 64;
    private final int maxBufferedBytes;
    private boolean started;
    private int nextSeq;
    // out-of-order segments, kept sorted by sequence number (few in practice)
    private int[] oooSeq = new int[4];
    private byte[][] oooData = new byte[4][];
    private int oooCount;
    private int oooBytes;
    private long gaps;
    /** Sequence number of this direction's FIN, which takes one number but carries no byte; valid if finSeen. */
    private int finSeq;
    private boolean finSeen;

    public TcpStream(int maxBufferedBytes) {
        this.maxBufferedBytes = maxBufferedBytes;
    }

    public void onSyn(int seq) {
        started = true;
        nextSeq = seq + 1;
        finSeen = false;
        clearQueue();
    }

    /** The sender's FIN at {@code seq} (the segment's sequence number plus its payload length). */
    public void onFin(int seq) {
        finSeq = seq;
        finSeen = true;
    }

    public boolean started() {
        return started;
    }

    public long gaps() {
        return gaps;
    }

    public int bufferedBytes() {
        return oooBytes;
    }

    public void segment(int seq, byte[] buf, int off, int len, long t, Consumer c) {
        if (len <= 0) return;
        if (!started) {                // connection already running when the capture started
            started = true;
            nextSeq = seq;
        }
        int rel = seq - nextSeq;       // wraps correctly in int arithmetic
        if (rel <= 0) {
            long skip = -(long) rel;   // long: rel may be Integer.MIN_VALUE (2^31 behind), whose int negation is negative
            if (skip >= len) return;   // pure retransmission
            c.onBytes(buf, off + (int) skip, len - (int) skip, t);
            nextSeq = seq + len;
            drain(t, c);
            return;
        }
        if (len > maxBufferedBytes) {  // cannot queue it anyway: declare the hole lost
            gap(t, c);
            nextSeq = seq;
            segment(seq, buf, off, len, t, c);
            return;
        }
        while ((oooBytes + len > maxBufferedBytes || oooCount >= MAX_SEGMENTS) && oooCount > 0) {
            gap(t, c);                 // give up on the hole, deliver what is queued
            skipToQueueHead(t, c);
        }
        if (seq - nextSeq <= 0) {      // the skip reached this segment: deliver it now, do not queue stale bytes
            segment(seq, buf, off, len, t, c);
            return;
        }
        enqueue(seq, buf, off, len);
    }

    /** The other direction acknowledged up to {@code ack}: bytes before it that we never saw are lost. */
    public void acknowledged(int ack, long t, Consumer c) {
        if (!started) return;
        // the peer acknowledging our FIN counts one past the last byte: no byte is missing there
        if (finSeen && ack == finSeq + 1) ack = finSeq;
        // each hole before ack is lost; queued segments before ack were captured and are delivered between the gaps
        while (ack - nextSeq > 0 && ack - nextSeq < (1 << 30)) {
            gap(t, c);
            if (oooCount > 0 && oooSeq[0] - ack < 0) {
                skipToQueueHead(t, c);
            } else {
                nextSeq = ack;
                drain(t, c);
                return;
            }
        }
    }

    /** End of connection or of the capture: deliver what is queued, with a gap notice before it. */
    public void flush(long t, Consumer c) {
        while (oooCount > 0) {
            gap(t, c);
            skipToQueueHead(t, c);
        }
    }

    private void skipToQueueHead(long t, Consumer c) {
        nextSeq = oooSeq[0];
        drain(t, c);
    }

    private void gap(long t, Consumer c) {
        gaps++;
        c.onGap(t);
    }

    private void drain(long t, Consumer c) {
        while (oooCount > 0) {
            int rel = oooSeq[0] - nextSeq;
            if (rel > 0) return;
            byte[] d = oooData[0];
            int seq = oooSeq[0];
            removeHead();
            long skip = -(long) rel;   // as in segment(): never a negative skip
            if (skip < d.length) {
                c.onBytes(d, (int) skip, d.length - (int) skip, t);
                nextSeq = seq + d.length;
            }
        }
    }

    private void enqueue(int seq, byte[] buf, int off, int len) {
        int i = 0;
        while (i < oooCount && oooSeq[i] - seq < 0) i++;
        if (i < oooCount && oooSeq[i] == seq && oooData[i].length >= len) return;   // duplicate
        if (oooCount == oooSeq.length) {
            oooSeq = java.util.Arrays.copyOf(oooSeq, oooCount * 2);
            oooData = java.util.Arrays.copyOf(oooData, oooCount * 2);
        }
        System.arraycopy(oooSeq, i, oooSeq, i + 1, oooCount - i);
        System.arraycopy(oooData, i, oooData, i + 1, oooCount - i);
        byte[] copy = new byte[len];
        System.arraycopy(buf, off, copy, 0, len);
        oooSeq[i] = seq;
        oooData[i] = copy;
        oooCount++;
        oooBytes += len;
    }

    private void removeHead() {
        oooBytes -= oooData[0].length;
        System.arraycopy(oooSeq, 1, oooSeq, 0, oooCount - 1);
        System.arraycopy(oooData, 1, oooData, 0, oooCount - 1);
        oooCount--;
        oooData[oooCount] = null;
    }

    private void clearQueue() {
        for (int i = 0; i < oooCount; i++) oooData[i] = null;
        oooCount = 0;
        oooBytes = 0;
    }
}
