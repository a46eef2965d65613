package io.gridscout.protocols.enip;

import java.util.Arrays;

/** Bytes of one TCP direction not yet forming a whole frame; capped, grows on demand. */
final class StreamBuffer {
    private final int cap;
    byte[] data = new byte[512];
    int len;

    StreamBuffer(int cap) { this.cap = cap; }

    /** False when appending would exceed the cap (the caller drops the buffer and resyncs). */
    boolean append(byte[] b, int off, int n) {
        if (n > cap - len) return false;
        if (len + n > data.length) data = Arrays.copyOf(data, Math.min(cap, Math.max(data.length * 2, len + n)));
        System.arraycopy(b, off, data, len, n);
        len += n;
        return true;
    }

    void consume(int n) {
        if (n >= len) { len = 0; return; }
        System.arraycopy(data, n, data, 0, len - n);
        len -= n;
    }

    void clear() { len = 0; }
}
