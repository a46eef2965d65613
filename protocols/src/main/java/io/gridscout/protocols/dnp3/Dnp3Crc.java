package io.gridscout.protocols.dnp3;

/** CRC-16/DNP (IEEE 1815 link layer): reflected poly 0x3D65, init 0, final complement, sent low byte first. */
public final class Dnp3Crc {
    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >>> 1) ^ 0xA6BC : c >>> 1;
            TABLE[i] = c;
        }
    }

    private Dnp3Crc() {}

    public static int compute(byte[] b, int off, int len) {
        int crc = 0;
        for (int i = off, end = off + len; i < end; i++) crc = (crc >>> 8) ^ TABLE[(crc ^ b[i]) & 0xFF];
        return ~crc & 0xFFFF;
    }

    /** True when the two bytes after {@code b[off..off+len)} hold its CRC (little endian). */
    public static boolean check(byte[] b, int off, int len) {
        int c = compute(b, off, len);
        return (b[off + len] & 0xFF) == (c & 0xFF) && (b[off + len + 1] & 0xFF) == (c >>> 8);
    }
}
