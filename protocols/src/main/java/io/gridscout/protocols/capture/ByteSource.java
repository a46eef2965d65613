package io.gridscout.protocols.capture;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.zip.ZipException;

/**
 * The readers' one buffer over the input: filled in big chunks, grown on demand up to a fixed cap, compacted
 * in place. Records are handed out as views into {@link #buf}, which stay valid until the next
 * {@link #require}/{@link #skip} call (those may move bytes). With a {@link #recycler}, bytes are never moved
 * within or written into an array already filled: the unread tail goes to a fresh array and the old one is retired.
 */
final class ByteSource {
    static final int CHUNK = 1 << 16;
    private static final int INITIAL = 1 << 17;
    private static final VarHandle LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private final InputStream in;
    private final boolean compressed;
    private final int maxBuffer;
    byte[] buf;
    /** Next unread byte in buf. */
    int pos;
    /** End of valid bytes in buf. */
    int limit;
    /** Absolute input offset of buf[0]. */
    private long base;
    private boolean eof;
    /** Set when the decompressor failed: the input ends there, as damage. */
    private String streamError;
    /** When set, buffers come from and go back to it (see {@link BufferRecycler}). */
    BufferRecycler recycler;

    /** @param head bytes already read from in (the magic), returned first */
    ByteSource(InputStream in, boolean compressed, byte[] head, int headLen, int maxRequire) {
        this.in = in;
        this.compressed = compressed;
        this.maxBuffer = maxRequire + CHUNK;
        this.buf = new byte[Math.min(INITIAL, maxBuffer)];
        System.arraycopy(head, 0, buf, 0, headLen);
        this.limit = headLen;
    }

    /** Absolute offset of the next unread byte. */
    long offset() {
        return base + pos;
    }

    int available() {
        return limit - pos;
    }

    String streamError() {
        return streamError;
    }

    /** Makes n bytes (n <= maxRequire) available at pos; false when the input ends first. */
    boolean require(int n) throws IOException {
        return limit - pos >= n || fill(n);
    }

    private boolean fill(int n) throws IOException {
        if (eof) {
            return false;
        }
        if (pos + n + CHUNK > buf.length) {
            int have = limit - pos;
            byte[] target = buf;
            if (recycler != null) {
                target = recycler.fresh(Math.min(maxBuffer, Math.max(n + CHUNK, buf.length)));
            } else if (n + CHUNK > buf.length && buf.length < maxBuffer) {
                target = new byte[Math.min(maxBuffer, Math.max(n + CHUNK, buf.length * 2))];
            }
            System.arraycopy(buf, pos, target, 0, have);
            if (recycler != null) recycler.retire(buf);
            buf = target;
            base += pos;
            pos = 0;
            limit = have;
        }
        while (limit - pos < n) {
            int r = read(buf.length - limit);
            if (r < 0) {
                return false;
            }
            limit += r;
        }
        return true;
    }

    private int read(int max) throws IOException {
        int r;
        try {
            r = in.read(buf, limit, max);
        } catch (ZipException | EOFException e) {
            if (!compressed) {
                throw e;
            }
            streamError = "damaged gzip data (" + e.getMessage() + ")";
            r = -1;
        }
        if (r < 0) {
            eof = true;
        }
        return r;
    }

    /** Consumes n bytes without keeping them; false when the input ends first. */
    boolean skip(long n) throws IOException {
        long remaining = n;
        while (true) {
            int avail = limit - pos;
            if (avail >= remaining) {
                pos += (int) remaining;
                return true;
            }
            remaining -= avail;
            base += limit;
            if (recycler != null && pos > 0) {     // frames handed out before may live in buf: read on in a fresh one
                byte[] old = buf;
                buf = recycler.fresh(old.length);
                recycler.retire(old);
            }
            pos = 0;
            limit = 0;
            if (eof) {
                return false;
            }
            int r = read(buf.length);
            if (r < 0) {
                return false;
            }
            limit = r;
        }
    }

    void close() throws IOException {
        in.close();
    }

    static int getInt(byte[] b, int i, boolean bigEndian) {
        return bigEndian ? (int) BE.get(b, i) : (int) LE.get(b, i);
    }

    static long getUInt(byte[] b, int i, boolean bigEndian) {
        return getInt(b, i, bigEndian) & 0xFFFFFFFFL;
    }

    static int getUShort(byte[] b, int i, boolean bigEndian) {
        return bigEndian ? ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF) : (b[i] & 0xFF) | ((b[i + 1] & 0xFF) << 8);
    }
}
