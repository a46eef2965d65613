package io.gridscout.protocols.dnp3;

/**
 * CRC-16/DNP (IEEE 1815 link layer): reflected poly 0x3D65, init 0, final complement, sent low byte first.
 * Every 16 bytes of a DNP3 frame carry a CRC, so this is the decoder's hottest loop: it consumes four bytes per
 * step with four tables ("slicing-by-4") instead of one byte per table lookup.
 */
public final class Dnp3Crc {
    private static final int[] T0 = new int[256], T1 = new int[256], T2 = new int[256], T3 = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >>> 1) ^ 0xA6BC : c >>> 1;
            T0[i] = c;
        }
        for (int i = 0; i < 256; i++) {
            T1[i] = (T0[i] >>> 8) ^ T0[T0[i] & 0xFF];
            T2[i] = (T1[i] >>> 8) ^ T0[T1[i] & 0xFF];
            T3[i] = (T2[i] >>> 8) ^ T0[T2[i] & 0xFF];
        }
    }

    private Dnp3Crc() {}

    public static int compute(byte[] b, int off, int len) {
        int crc = 0;
        int i = off, end = off + len;
        for (; end - i >= 4; i += 4) {
            int x = crc ^ ((b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8);
            crc = T3[x & 0xFF] ^ T2[x >>> 8] ^ T1[b[i + 2] & 0xFF] ^ T0[b[i + 3] & 0xFF];
        }
        for (; i < end; i++) crc = (crc >>> 8) ^ T0[(crc ^ b[i]) & 0xFF];
        return ~crc & 0xFFFF;
    }

    /** The plain one-byte-per-step form, kept as the reference the fast form is tested against. */
    static int computeBytewise(byte[] b, int off, int len) {
        int crc = 0;
        for (int i = off, end = off + len; i < end; i++) crc = (crc >>> 8) ^ T0[(crc ^ b[i]) & 0xFF];
        return ~crc & 0xFFFF;
    }

    /** True when the two bytes after {@code b[off..off+len)} hold its CRC (little endian). */
    public static boolean check(byte[] b, int off, int len) {
        int c = compute(b, off, len);
        return (b[off + len] & 0xFF) == (c & 0xFF) && (b[off + len + 1] & 0xFF) == (c >>> 8);
    }
}
