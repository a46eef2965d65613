package io.gridscout.protocols.dnp3;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * CRC-16/DNP (IEEE 1815 link layer): reflected poly 0x3D65, init 0, final complement, sent low byte first.
 * Every 16 bytes of a DNP3 frame carry their own CRC, so this is the decoder's hottest loop.
 *
 * <p>Because each block starts from register 0 and the CRC is linear, a block's CRC is the XOR of one table
 * entry per byte: {@code Tk[v]} is the register after byte {@code v} followed by {@code k} zero bytes. Unlike
 * the byte-at-a-time form, the lookups of a block do not wait for each other, so a full 16-byte block is 16
 * independent loads ("slicing-by-16"); one array per k (with an index masked to 0..255) needs no bounds checks.
 */
public final class Dnp3Crc {
    private static final int[] T0 = new int[256], T1 = new int[256], T2 = new int[256], T3 = new int[256], T4 = new int[256], T5 = new int[256], T6 = new int[256], T7 = new int[256], T8 = new int[256], T9 = new int[256], T10 = new int[256], T11 = new int[256], T12 = new int[256], T13 = new int[256], T14 = new int[256], T15 = new int[256];
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int[][] T = {T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15};

    static {
        for (int i = 0; i < 256; i++) {
            int c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >>> 1) ^ 0xA6BC : c >>> 1;
            T0[i] = c;
        }
        for (int k = 1; k < 16; k++) {
            for (int i = 0; i < 256; i++) T[k][i] = (T[k - 1][i] >>> 8) ^ T0[T[k - 1][i] & 0xFF];
        }
    }

    private Dnp3Crc() {}

    /** CRC of any range (16-byte steps chained through the register). */
    public static int compute(byte[] b, int off, int len) {
        int crc = 0;
        int i = off, end = off + len;
        for (; end - i >= 16; i += 16) {
            // the register enters like the block's first two bytes: the CRC is linear, so XOR its contribution
            crc = T15[crc & 0xFF] ^ T14[crc >>> 8] ^ raw16(b, i);
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
        int c = len == 16 ? raw16(b, off) : len == 8 ? raw8(b, off) : rawShort(b, off, len);
        return crcAt(b, off + len) == (~c & 0xFFFF);
    }

    /**
     * Checks every block CRC of {@code userLen} bytes of user data laid out as on the wire from {@code b[off]}
     * (16 data bytes, their 2 CRC bytes, ...). Caller guarantees that the whole range is readable.
     */
    public static boolean checkBlocks(byte[] b, int off, int userLen) {
        int q = off;
        int left = userLen;
        for (; left >= 16; left -= 16, q += 18) {
            if (crcAt(b, q + 16) != (~raw16(b, q) & 0xFFFF)) return false;
        }
        return left <= 0 || crcAt(b, q + left) == (~rawShort(b, q, left) & 0xFFFF);
    }

    /**
     * {@link #checkBlocks} that also copies the user data without its CRCs to {@code out[0..userLen)} (a bad
     * block stops the copy). The check and the copy read the same bytes, so they share the loop.
     */
    public static boolean checkAndStrip(byte[] b, int off, int userLen, byte[] out) {
        int q = off;
        int w = 0;
        for (; userLen - w >= 16; w += 16, q += 18) {
            if (crcAt(b, q + 16) != (~raw16(b, q) & 0xFFFF)) return false;
            LONG_LE.set(out, w, (long) LONG_LE.get(b, q));
            LONG_LE.set(out, w + 8, (long) LONG_LE.get(b, q + 8));
        }
        int left = userLen - w;
        if (left <= 0) return true;
        if (crcAt(b, q + left) != (~rawShort(b, q, left) & 0xFFFF)) return false;
        System.arraycopy(b, q, out, w, left);
        return true;
    }

    private static int crcAt(byte[] b, int p) {
        return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8;
    }

    /** Register (before the final complement) over 16 bytes from register 0. */
    static int raw16(byte[] b, int o) {
        return T15[b[o] & 0xFF] ^ T14[b[o + 1] & 0xFF] ^ T13[b[o + 2] & 0xFF] ^ T12[b[o + 3] & 0xFF]
                ^ T11[b[o + 4] & 0xFF] ^ T10[b[o + 5] & 0xFF] ^ T9[b[o + 6] & 0xFF] ^ T8[b[o + 7] & 0xFF]
                ^ T7[b[o + 8] & 0xFF] ^ T6[b[o + 9] & 0xFF] ^ T5[b[o + 10] & 0xFF] ^ T4[b[o + 11] & 0xFF]
                ^ T3[b[o + 12] & 0xFF] ^ T2[b[o + 13] & 0xFF] ^ T1[b[o + 14] & 0xFF] ^ T0[b[o + 15] & 0xFF];
    }

    /** Register over 8 bytes (a link header) from register 0. */
    static int raw8(byte[] b, int o) {
        return T7[b[o] & 0xFF] ^ T6[b[o + 1] & 0xFF] ^ T5[b[o + 2] & 0xFF] ^ T4[b[o + 3] & 0xFF]
                ^ T3[b[o + 4] & 0xFF] ^ T2[b[o + 5] & 0xFF] ^ T1[b[o + 6] & 0xFF] ^ T0[b[o + 7] & 0xFF];
    }

    /**
     * Register over 0..16 bytes from register 0. Byte {@code e - d} contributes {@code Td}: the lookups are
     * independent (a carried byte-at-a-time register would make each wait for the one before).
     */
    static int rawShort(byte[] b, int o, int n) {
        int e = o + n - 1;
        int crc = 0;
        switch (n) { // falls through: case n adds the bytes n-1 .. 0 places from the end
            case 16: crc ^= T15[b[e - 15] & 0xFF];
            case 15: crc ^= T14[b[e - 14] & 0xFF];
            case 14: crc ^= T13[b[e - 13] & 0xFF];
            case 13: crc ^= T12[b[e - 12] & 0xFF];
            case 12: crc ^= T11[b[e - 11] & 0xFF];
            case 11: crc ^= T10[b[e - 10] & 0xFF];
            case 10: crc ^= T9[b[e - 9] & 0xFF];
            case 9: crc ^= T8[b[e - 8] & 0xFF];
            case 8: crc ^= T7[b[e - 7] & 0xFF];
            case 7: crc ^= T6[b[e - 6] & 0xFF];
            case 6: crc ^= T5[b[e - 5] & 0xFF];
            case 5: crc ^= T4[b[e - 4] & 0xFF];
            case 4: crc ^= T3[b[e - 3] & 0xFF];
            case 3: crc ^= T2[b[e - 2] & 0xFF];
            case 2: crc ^= T1[b[e - 1] & 0xFF];
            case 1: crc ^= T0[b[e] & 0xFF];
            default:
        }
        return crc;
    }
}
