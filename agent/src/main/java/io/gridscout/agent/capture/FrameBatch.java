package io.gridscout.agent.capture;

/**
 * A run of captured frames copied into one arena, handed from a capture thread to the pipeline thread in one
 * piece: no object per frame, and one queue hand-over per batch instead of one per frame. Recycled through
 * {@link FrameQueue}; only the thread that holds it reads or writes it.
 */
public final class FrameBatch {
    FrameQueue.Producer owner;   // the capture thread filling it now
    byte[] data;
    final int[] off, len, wire, link;
    final long[] time;
    int n, used;

    FrameBatch(int frames, int bytes) {
        this.data = new byte[bytes];
        this.off = new int[frames];
        this.len = new int[frames];
        this.wire = new int[frames];
        this.link = new int[frames];
        this.time = new long[frames];
    }

    /** Whether a frame of {@code bytes} bytes still fits (an empty batch grows its arena for an oversized frame). */
    boolean fits(int bytes) {
        if (n == 0 && data.length < bytes) data = new byte[bytes];
        return n < off.length && data.length - used >= bytes;
    }

    /** Records the frame whose {@code bytes} bytes were just written at {@link #used}. */
    void commit(int linkType, int bytes, int wireLen, long timeNanos) {
        off[n] = used;
        len[n] = bytes;
        wire[n] = wireLen;
        link[n] = linkType;
        time[n] = timeNanos;
        used += bytes;
        n++;
    }

    void clear() {
        n = 0;
        used = 0;
    }

    public int size() {
        return n;
    }

    /** The arena all frames of this batch live in. */
    public byte[] data() {
        return data;
    }

    public int offset(int i) {
        return off[i];
    }

    public int length(int i) {
        return len[i];
    }

    public int wireLength(int i) {
        return wire[i];
    }

    public int linkType(int i) {
        return link[i];
    }

    public long timeNanos(int i) {
        return time[i];
    }
}
