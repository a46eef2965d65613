package io.gridscout.protocols.dnp3;

import java.util.concurrent.atomic.AtomicLong;

/**
 * DNP3 transport function: one header byte (FIN 0x80, FIR 0x40, 6-bit sequence) per link frame; segments
 * are joined into application fragments per (source, destination) link address pair of one direction.
 * Memory is bounded: at most {@link #MAX_SLOTS} partial fragments per direction, each at most
 * {@link #MAX_FRAGMENT} bytes, and all directions of all sessions together hold at most what their
 * {@link Budget} allows. A lost or out-of-order segment discards the fragment, never the session.
 * A fragment that fits one segment (the usual case) is handed on where it lies, without a copy.
 */
public final class Dnp3Transport {
    public static final int FIN = 0x80;
    public static final int FIR = 0x40;
    /** Fragments are usually at most 2048 bytes; 8 KiB leaves room for large file-transfer fragments. */
    public static final int MAX_FRAGMENT = 8192;
    public static final int MAX_SLOTS = 4;
    /** A buffer up to this size stays with its slot for the next fragment; a larger one is given back. */
    static final int KEEP_BUFFER = 2048;

    /** Cap on the fragment buffer bytes held by every transport that shares it, and what it refused. */
    public static final class Budget {
        private final long capBytes;
        private final AtomicLong held = new AtomicLong();
        private final AtomicLong refused = new AtomicLong();

        public Budget(long capBytes) {
            this.capBytes = capBytes;
        }

        boolean reserve(int bytes) {
            if (held.addAndGet(bytes) <= capBytes) return true;
            held.addAndGet(-bytes);
            refused.incrementAndGet();
            return false;
        }

        void release(int bytes) {
            held.addAndGet(-bytes);
        }

        /** Buffer bytes held now. */
        public long held() {
            return held.get();
        }

        /** Fragments discarded because the cap was reached. */
        public long refused() {
            return refused.get();
        }
    }

    /** The process-wide budget of the decoders: 64 MiB, i.e. thousands of sessions reassembling at once. */
    public static final Budget SHARED = new Budget(64L << 20);

    /** Receives complete fragments; {@code buf} is valid only during the call. */
    public interface Handler {
        void onFragment(int side, int src, int dst, byte[] buf, int off, int len, long timeNanos);

        void onTransportError(int side, String reason);
    }

    private final int side;
    private final Handler handler;
    private final Budget budget;
    /** Slots in use: when none, a segment needs no slot lookup. */
    private int pending;
    // reassembly slots, created by the first fragment that spans segments (many sessions never have one)
    private int[] keys;
    private boolean[] inUse;
    private byte[][] bufs;
    private int[] lens;
    private int[] seqs;
    private long[] lastUse;
    private long tick;
    private long dropped;

    public Dnp3Transport(int side, Handler handler) {
        this(side, handler, SHARED);
    }

    public Dnp3Transport(int side, Handler handler, Budget budget) {
        this.side = side;
        this.handler = handler;
        this.budget = budget;
    }

    /** Fragments or segments discarded so far (lost segments, caps). */
    public long dropped() {
        return dropped;
    }

    /** One link frame's user data: transport header then an application segment. */
    public void onSegment(int src, int dst, byte[] b, int off, int len, long timeNanos) {
        // the usual case, a whole fragment in one segment and nothing pending: hand it on where it lies
        if (pending == 0 && len >= 1 && (b[off] & (FIR | FIN)) == (FIR | FIN)) {
            handler.onFragment(side, src, dst, b, off + 1, len - 1, timeNanos);
            return;
        }
        reassemble(src, dst, b, off, len, timeNanos);
    }

    private void reassemble(int src, int dst, byte[] b, int off, int len, long timeNanos) {
        if (inUse == null) {
            keys = new int[MAX_SLOTS];
            inUse = new boolean[MAX_SLOTS];
            bufs = new byte[MAX_SLOTS][];
            lens = new int[MAX_SLOTS];
            seqs = new int[MAX_SLOTS];
            lastUse = new long[MAX_SLOTS];
        }
        if (len < 1) {
            handler.onTransportError(side, "dnp3 empty transport segment");
            return;
        }
        int th = b[off] & 0xFF;
        int seq = th & 0x3F;
        int key = src << 16 | dst;
        int slot = pending == 0 ? -1 : find(key);
        if ((th & FIR) != 0) {
            if (slot >= 0 && lens[slot] > 0) {
                dropped++;
                handler.onTransportError(side, "dnp3 fragment abandoned by new FIR");
            }
            if ((th & FIN) != 0) {
                if (slot >= 0) free(slot);
                handler.onFragment(side, src, dst, b, off + 1, len - 1, timeNanos); // one-segment fast path
                return;
            }
            if (slot < 0) slot = allocate(key);
            lens[slot] = 0;
            seqs[slot] = seq;
            append(slot, b, off + 1, len - 1);
            return;
        }
        if (slot < 0) {
            dropped++; // a middle or last segment without its first: the fragment is lost
            handler.onTransportError(side, "dnp3 segment without FIR");
            return;
        }
        if (seq == seqs[slot]) return; // link-layer retransmission of the previous segment
        if (seq != ((seqs[slot] + 1) & 0x3F)) {
            dropped++;
            free(slot);
            handler.onTransportError(side, "dnp3 transport sequence gap");
            return;
        }
        seqs[slot] = seq;
        if (!append(slot, b, off + 1, len - 1)) return;
        if ((th & FIN) != 0) {
            byte[] f = bufs[slot];
            int n = lens[slot];
            free(slot);
            handler.onFragment(side, src, dst, f, 0, n, timeNanos); // f is still ours even if free gave it back
        }
    }

    /** Bytes of this direction were lost: every partial fragment is void. */
    public void reset() {
        if (inUse == null) return;
        for (int i = 0; i < MAX_SLOTS; i++) if (inUse[i]) free(i);
    }

    /** The session ended: partial fragments are void and every buffer goes back to the budget. */
    public void close() {
        reset();
        if (bufs == null) return;
        for (int i = 0; i < MAX_SLOTS; i++) {
            if (bufs[i] != null) {
                budget.release(bufs[i].length);
                bufs[i] = null;
            }
        }
    }

    /** Fragment buffer bytes this direction holds. */
    long heldBytes() {
        long n = 0;
        if (bufs != null) for (byte[] b : bufs) if (b != null) n += b.length;
        return n;
    }

    private boolean append(int slot, byte[] b, int off, int len) {
        int n = lens[slot];
        if (n + len > MAX_FRAGMENT) {
            dropped++;
            free(slot);
            handler.onTransportError(side, "dnp3 fragment over size cap");
            return false;
        }
        byte[] f = bufs[slot];
        if (f == null || f.length < n + len) {
            int size = Math.min(MAX_FRAGMENT, Math.max(n + len, f == null ? 512 : f.length * 2));
            if (!budget.reserve(size - (f == null ? 0 : f.length))) {
                dropped++;
                free(slot);
                handler.onTransportError(side, "dnp3 transport memory cap");
                return false;
            }
            byte[] g = new byte[size];
            if (f != null) System.arraycopy(f, 0, g, 0, n);
            bufs[slot] = f = g;
        }
        System.arraycopy(b, off, f, n, len);
        lens[slot] = n + len;
        lastUse[slot] = ++tick;
        return true;
    }

    private int find(int key) {
        for (int i = 0; i < MAX_SLOTS; i++) if (inUse[i] && keys[i] == key) return i;
        return -1;
    }

    private int allocate(int key) {
        int victim = -1;
        for (int i = 0; i < MAX_SLOTS; i++) {
            if (!inUse[i]) {
                victim = i;
                break;
            }
            if (victim < 0 || lastUse[i] < lastUse[victim]) victim = i;
        }
        if (inUse[victim]) {
            dropped++;
            handler.onTransportError(side, "dnp3 too many partial fragments");
        }
        if (!inUse[victim]) pending++;
        keys[victim] = key;
        inUse[victim] = true;
        lens[victim] = 0;
        lastUse[victim] = ++tick;
        return victim;
    }

    private void free(int slot) {
        if (inUse[slot]) pending--;
        inUse[slot] = false;
        lens[slot] = 0;
        // a buffer grown past the usual fragment size goes back to the budget once its fragment is done
        byte[] f = bufs[slot];
        if (f != null && f.length > KEEP_BUFFER) {
            budget.release(f.length);
            bufs[slot] = null;
        }
    }
}
