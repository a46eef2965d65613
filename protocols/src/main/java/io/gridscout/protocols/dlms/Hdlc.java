package io.gridscout.protocols.dlms;

/**
 * HDLC framing of IEC 62056-46 (DLMS/COSEM over serial lines and serial-over-IP): 0x7E, frame format type A
 * (0xA in the top nibble, segmentation bit 0x08, 11-bit length), destination and source addresses (1, 2 or 4
 * bytes, low bit 1 ends an address), control, HCS when an information field follows, information, FCS, 0x7E.
 * HCS and FCS are CRC-16/X.25 (ISO/IEC 13239) stored low byte first.
 */
final class Hdlc {
    private Hdlc() {}

    /** Result fields of {@link #parse}; one instance per decoder. */
    static final class Frame {
        int length;          // bytes of the frame including both flags
        boolean segmented;
        int control;
        long dest, src;
        int infoOff, infoLen;
        String error;
    }

    /** CRC-16/X.25: reflected poly 0x1021 (0x8408), init 0xFFFF, final xor 0xFFFF. */
    static int crc(byte[] b, int off, int len) {
        int c = 0xFFFF;
        for (int i = off; i < off + len; i++) {
            c ^= b[i] & 0xFF;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >>> 1) ^ 0x8408 : c >>> 1;
        }
        return ~c & 0xFFFF;
    }

    /**
     * Length of the frame at {@code p} when its header is there: -1 when more bytes are needed, 0 when the bytes
     * at p are not a type A frame start.
     */
    static int frameLength(byte[] b, int p, int end) {
        if (end - p < 3) return -1;
        if ((b[p] & 0xFF) != 0x7E || (b[p + 1] & 0xF0) != 0xA0) return 0;
        int l = ((b[p + 1] & 0x07) << 8) | (b[p + 2] & 0xFF);
        return l < 7 ? 0 : l + 2;
    }

    /** Parses a whole frame of {@code total} bytes at p (flags included); false with {@code f.error} when bad. */
    static boolean parse(byte[] b, int p, int total, Frame f) {
        f.error = null;
        int end = p + total;              // one past the closing flag
        if (total < 9 || (b[end - 1] & 0xFF) != 0x7E) return bad(f, "HDLC frame without closing flag");
        f.length = total;
        f.segmented = (b[p + 1] & 0x08) != 0;
        int q = p + 3;
        int[] pos = {q};
        f.dest = address(b, pos, end - 3);
        if (f.dest < 0) return bad(f, "bad HDLC address");
        f.src = address(b, pos, end - 3);
        if (f.src < 0) return bad(f, "bad HDLC address");
        q = pos[0];
        if (q >= end - 3) return bad(f, "short HDLC frame");
        f.control = b[q++] & 0xFF;
        int fcsAt = end - 3;
        int fcs = (b[fcsAt] & 0xFF) | ((b[fcsAt + 1] & 0xFF) << 8);
        if (crc(b, p + 1, fcsAt - p - 1) != fcs) return bad(f, "HDLC FCS mismatch");
        if (q == fcsAt) {                 // no information field, the FCS is the HCS
            f.infoOff = q;
            f.infoLen = 0;
            return true;
        }
        if (q + 2 > fcsAt) return bad(f, "short HDLC frame");
        int hcs = (b[q] & 0xFF) | ((b[q + 1] & 0xFF) << 8);
        if (crc(b, p + 1, q - p - 1) != hcs) return bad(f, "HDLC HCS mismatch");
        f.infoOff = q + 2;
        f.infoLen = fcsAt - f.infoOff;
        return true;
    }

    /** An HDLC address of 1, 2 or 4 bytes (extension bit 0 set on the last): the raw bytes, or -1. */
    private static long address(byte[] b, int[] pos, int limit) {
        long a = 0;
        for (int i = 0; i < 4; i++) {
            int q = pos[0] + i;
            if (q >= limit) return -1;
            a = (a << 8) | (b[q] & 0xFF);
            if ((b[q] & 1) != 0) {
                if (i == 2) return -1;        // 3-byte addresses do not exist
                pos[0] = q + 1;
                return a;
            }
        }
        return -1;
    }

    private static boolean bad(Frame f, String reason) {
        f.error = reason;
        return false;
    }
}
