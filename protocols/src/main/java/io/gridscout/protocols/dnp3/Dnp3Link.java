package io.gridscout.protocols.dnp3;

/**
 * DNP3 data link layer (FT3 frame): 0x05 0x64, LEN, CTRL, DST, SRC, CRC, then user data in blocks of at
 * most 16 bytes each followed by a CRC. One instance per direction: it accumulates TCP bytes in a bounded
 * buffer (one maximal frame is 292 bytes), checks every CRC, strips the CRCs and hands each good frame to a
 * {@link Handler}. Bad frames are reported and dropped; the stream resyncs on the next start bytes.
 */
public final class Dnp3Link {
    public static final int HEADER_LEN = 10;
    /** LEN counts CTRL+DST+SRC (5) plus at most 250 user data bytes. */
    public static final int MAX_USER_DATA = 250;
    public static final int MAX_FRAME = 292;

    public static final int DIR = 0x80;
    public static final int PRM = 0x40;
    public static final int FCB = 0x20;
    public static final int FCV = 0x10;

    // primary (PRM=1) link functions
    public static final int PRI_RESET_LINK_STATES = 0;
    public static final int PRI_TEST_LINK_STATES = 2;
    public static final int PRI_CONFIRMED_USER_DATA = 3;
    public static final int PRI_UNCONFIRMED_USER_DATA = 4;
    public static final int PRI_REQUEST_LINK_STATUS = 9;

    private static final String[] PRI_NAMES = new String[16];
    private static final String[] SEC_NAMES = new String[16];

    static {
        PRI_NAMES[0] = "RESET_LINK_STATES";
        PRI_NAMES[2] = "TEST_LINK_STATES";
        PRI_NAMES[3] = "CONFIRMED_USER_DATA";
        PRI_NAMES[4] = "UNCONFIRMED_USER_DATA";
        PRI_NAMES[9] = "REQUEST_LINK_STATUS";
        SEC_NAMES[0] = "ACK";
        SEC_NAMES[1] = "NACK";
        SEC_NAMES[11] = "LINK_STATUS";
        SEC_NAMES[15] = "NOT_SUPPORTED";
    }

    /** Receives the good frames of one direction. {@code userData[userOff..)} is valid only during the call. */
    public interface Handler {
        void onFrame(int side, int ctrl, int dst, int src, byte[] userData, int userOff, int userLen, long timeNanos);

        void onLinkError(int side, String reason);
    }

    private final int side;
    private final Handler handler;
    private static final int BUF_SIZE = MAX_FRAME * 2;
    /** Partial frame carried over between TCP segments; allocated when first needed (most never need it). */
    private byte[] buf;
    private int used;
    /** User data of a multi-block frame with its CRCs stripped; allocated when first needed. */
    private byte[] userData;
    private boolean inJunk;
    private long junkBytes;

    public Dnp3Link(int side, Handler handler) {
        this.side = side;
        this.handler = handler;
    }

    /** Bytes skipped while looking for a frame start (counted, not kept). */
    public long junkBytes() {
        return junkBytes;
    }

    /** Name of a link function for link-only frames (status, reset, test), or null if undefined. */
    public static String functionName(int ctrl) {
        return ((ctrl & PRM) != 0 ? PRI_NAMES : SEC_NAMES)[ctrl & 0x0F];
    }

    /** Start bytes, LEN >= 5 and the header CRC. Caller guarantees 10 readable bytes at off. */
    public static boolean validHeader(byte[] b, int off) {
        return b[off] == 0x05 && b[off + 1] == 0x64 && (b[off + 2] & 0xFF) >= 5 && Dnp3Crc.check(b, off, 8);
    }

    /** Total on-wire frame size for a LEN byte. */
    public static int frameSize(int lenByte) {
        int user = lenByte - 5;
        return HEADER_LEN + user + 2 * ((user + 15) / 16);
    }

    /** TCP: the next in-order bytes of this direction. */
    public void onStream(byte[] b, int off, int len, long timeNanos) {
        if (used == 0) {
            // the usual case, whole frames in the segment: parse them where they are, keep only a partial tail
            int consumed = parse(b, off, len, timeNanos);
            off += consumed;
            len -= consumed;
            if (len == 0) return;
            if (buf == null) buf = new byte[BUF_SIZE];
            if (len <= BUF_SIZE) {
                System.arraycopy(b, off, buf, 0, len);
                used = len;
                return;
            }
        }
        if (buf == null) buf = new byte[BUF_SIZE];
        while (len > 0) {
            int n = Math.min(len, buf.length - used);
            System.arraycopy(b, off, buf, used, n);
            used += n;
            off += n;
            len -= n;
            int consumed = parse(buf, 0, used, timeNanos);
            if (consumed > 0) {
                System.arraycopy(buf, consumed, buf, 0, used - consumed);
                used -= consumed;
            }
        }
    }

    /** UDP: one datagram holding whole frames; a trailing partial frame is malformed. */
    public void onDatagram(byte[] b, int off, int len, long timeNanos) {
        int consumed = parse(b, off, len, timeNanos);
        if (consumed < len) handler.onLinkError(side, "dnp3 truncated frame");
        inJunk = false;
    }

    /** Bytes were lost: forget the partial frame. */
    public void reset() {
        used = 0;
        inJunk = false;
    }

    /** Parses whole frames in b[off, off+len); returns the bytes consumed (a partial frame stays). */
    private int parse(byte[] b, int off, int len, long timeNanos) {
        int p = off;
        int end = off + len;
        while (end - p >= 2) {
            if (b[p] != 0x05 || b[p + 1] != 0x64) {
                junk(1);
                p++;
                continue;
            }
            if (end - p < HEADER_LEN) break;
            if (!validHeader(b, p)) {
                handler.onLinkError(side, "dnp3 link header crc");
                inJunk = true; // the bytes up to the next start belong to this error
                p += 2; // resync on the next start bytes
                continue;
            }
            int lenByte = b[p + 2] & 0xFF;
            int size = frameSize(lenByte);
            if (end - p < size) break;
            inJunk = false;
            int userLen = lenByte - 5;
            int q = p + HEADER_LEN;
            byte[] ud = b;
            int udOff = q;
            boolean ok;
            if (userLen <= 16) {
                ok = Dnp3Crc.checkBlocks(b, q, userLen); // one block (or none) is used where it lies
            } else {
                if (userData == null) userData = new byte[MAX_USER_DATA];
                ok = Dnp3Crc.checkAndStrip(b, q, userLen, userData);
                ud = userData;
                udOff = 0;
            }
            if (!ok) {
                handler.onLinkError(side, "dnp3 link block crc");
                inJunk = true;
                p += 2; // drop the frame, resync on the next start bytes
                continue;
            }
            int ctrl = b[p + 3] & 0xFF;
            int dst = (b[p + 4] & 0xFF) | (b[p + 5] & 0xFF) << 8;
            int src = (b[p + 6] & 0xFF) | (b[p + 7] & 0xFF) << 8;
            handler.onFrame(side, ctrl, dst, src, ud, udOff, userLen, timeNanos);
            p += size;
        }
        // Keep at most one header's worth of undecided bytes: a buffer full of junk must still drain.
        return p - off;
    }

    private void junk(int n) {
        junkBytes += n;
        if (!inJunk) {
            inJunk = true;
            handler.onLinkError(side, "dnp3 bytes outside a frame");
        }
    }
}
