package io.gridscout.protocols.util;

import java.util.Arrays;

/** Bytes of one TCP direction not yet forming a whole frame; capped, grows on demand. */
public final class StreamBuffer {
    private final int cap;
    private byte[] data = new byte[512];
    private int len;

    public StreamBuffer(int cap) { this.cap = cap; }

    /** The buffered bytes are {@code data()[0 .. length())}; valid until the next append. */
    public byte[] data() { return data; }

    public int length() { return len; }

    /** False when appending would exceed the cap (the caller drops the buffer and resyncs). */
    public boolean append(byte[] b, int off, int n) {
        if (n > cap - len) return false;
        if (len + n > data.length) data = Arrays.copyOf(data, Math.min(cap, Math.max(data.length * 2, len + n)));
        System.arraycopy(b, off, data, len, n);
        len += n;
        return true;
    }

    public void consume(int n) {
        if (n >= len) { len = 0; return; }
        System.arraycopy(data, n, data, 0, len - n);
        len -= n;
    }

    public void clear() { len = 0; }
}
