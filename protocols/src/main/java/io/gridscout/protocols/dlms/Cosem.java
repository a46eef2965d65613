package io.gridscout.protocols.dlms;

import io.gridscout.protocols.util.Ber;
import io.gridscout.protocols.util.Text;

/**
 * COSEM knowledge the decoder needs: which attributes are identity objects (OBIS codes of IEC 62056-6-1 /
 * DLMS UA Blue Book) and how to read and skip A-XDR encoded Data values.
 *
 * <p>Identity objects, attribute 2 (value) of a Data (class 1) or Register (class 3) object:
 * <ul>
 * <li>0-0:42.0.0.255 COSEM logical device name → {@code name} (its first three letters are the FLAG manufacturer id)</li>
 * <li>0-0:96.1.0.255 Device ID 1, the manufacturing (serial) number → {@code serial}</li>
 * <li>0-0:96.1.1.255 .. 0-0:96.1.9.255 Device ID 2..10 → {@code deviceId2} .. {@code deviceId10}. Their meaning
 *     is left to companion specifications (DSMR uses 96.1.1 for the equipment identifier), so none of them is
 *     read as a vendor: the Blue Book does not define a manufacturer object in this group.</li>
 * <li>1-0:0.2.0.255 active firmware identifier → {@code firmware}</li>
 * </ul>
 */
final class Cosem {
    private Cosem() {}

    /** The identity attribute name of (class, OBIS at b[o..o+6), attribute), or null. */
    static String identityAttribute(int classId, byte[] b, int o, int attr) {
        if (attr != 2 || (classId != 1 && classId != 3) || (b[o + 5] & 0xFF) != 255) return null;
        int a = b[o] & 0xFF, bb = b[o + 1] & 0xFF, c = b[o + 2] & 0xFF, d = b[o + 3] & 0xFF, e = b[o + 4] & 0xFF;
        if (a == 0 && bb == 0 && c == 42 && d == 0 && e == 0) return "name";
        if (a == 0 && bb == 0 && c == 96 && d == 1 && e <= 9) return e == 0 ? "serial" : DEVICE_IDS[e];
        if (a == 1 && bb == 0 && c == 0 && d == 2 && e == 0) return "firmware";
        return null;
    }

    private static final String[] DEVICE_IDS = {null, "deviceId2", "deviceId3", "deviceId4", "deviceId5", "deviceId6",
            "deviceId7", "deviceId8", "deviceId9", "deviceId10"};


    /** Fixed sizes of simple Data types by tag; -1 variable or unknown. */
    private static int fixedSize(int tag) {
        return switch (tag) {
            case 0x00, 0xFF -> 0;
            case 0x03, 0x0D, 0x0F, 0x11, 0x16 -> 1;
            case 0x10, 0x12 -> 2;
            case 0x1B -> 4;
            case 0x05, 0x06, 0x17 -> 4;
            case 0x1A -> 5;
            case 0x14, 0x15, 0x18 -> 8;
            case 0x19 -> 12;
            default -> -1;
        };
    }

    /** Position after the Data value at p, or -1 when it is cut short, too deep or of an unsupported type. */
    static int skipData(byte[] b, int p, int end, int depth) {
        if (p >= end || depth > 8) return -1;
        int tag = b[p++] & 0xFF;
        int fixed = fixedSize(tag);
        if (fixed >= 0) return p + fixed <= end ? p + fixed : -1;
        long l;
        switch (tag) {
            case 0x01, 0x02 -> {            // array, structure: count then elements
                l = Ber.length(b, p, end);
                if (l < 0) return -1;
                p += (int) (l >>> 32);
                int n = (int) l;
                for (int i = 0; i < n; i++) {
                    p = skipData(b, p, end, depth + 1);
                    if (p < 0) return -1;
                }
                return p;
            }
            case 0x04 -> {                  // bit-string: length in bits
                l = Ber.length(b, p, end);
                if (l < 0) return -1;
                p += (int) (l >>> 32);
                int bytes = (int) ((((int) l) + 7L) / 8);
                return bytes <= end - p ? p + bytes : -1;
            }
            case 0x09, 0x0A, 0x0C -> {
                l = Ber.length(b, p, end);
                if (l < 0) return -1;
                p += (int) (l >>> 32);
                return (int) l <= end - p ? p + (int) l : -1;
            }
            default -> {
                return -1;                  // compact-array and unknown tags: cannot be skipped safely
            }
        }
    }

    /** The Data value at p as display text (strings, numbers), or null for other types or when cut short. */
    static String text(byte[] b, int p, int end) {
        if (p >= end) return null;
        int tag = b[p++] & 0xFF;
        switch (tag) {
            case 0x09, 0x0A, 0x0C -> {
                long l = Ber.length(b, p, end);
                if (l < 0) return null;
                p += (int) (l >>> 32);
                int n = (int) l;
                if (n > end - p || n == 0) return null;
                n = Math.min(n, 128);
                return printable(b, p, n) ? Text.printable(b, p, n) : Text.hex(b, p, n);
            }
            case 0x11, 0x12, 0x06, 0x15 -> {
                int size = fixedSize(tag);
                if (end - p < size) return null;
                long v = 0;
                for (int i = 0; i < size; i++) v = (v << 8) | (b[p + i] & 0xFF);
                return size == 8 ? Long.toUnsignedString(v) : Long.toString(v);
            }
            case 0x0F, 0x10, 0x05, 0x14 -> {
                int size = fixedSize(tag);
                if (end - p < size) return null;
                long v = b[p];
                for (int i = 1; i < size; i++) v = (v << 8) | (b[p + i] & 0xFF);
                return Long.toString(v);
            }
            default -> {
                return null;
            }
        }
    }

    /** Printable ASCII (trailing NULs allowed): shown as text; anything else as hex. */
    private static boolean printable(byte[] b, int p, int n) {
        int e = p + n;
        while (e > p && b[e - 1] == 0) e--;
        if (e == p) return false;
        for (int i = p; i < e; i++) if (b[i] < 0x20 || b[i] == 0x7F) return false;
        return true;
    }
}
