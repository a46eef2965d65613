package io.gridscout.protocols.opcua;

import java.nio.charset.StandardCharsets;

/** Little-endian reads and bounds-checked skips of OPC UA binary built-ins; never throw, return -1 on short input. */
final class UaBytes {
    private UaBytes() {}

    static int u16(byte[] b, int p) {
        return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8;
    }

    static int i32(byte[] b, int p) {
        return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16 | (b[p + 3] & 0xFF) << 24;
    }

    static long u32(byte[] b, int p) {
        return i32(b, p) & 0xFFFF_FFFFL;
    }

    /** Position after a String/ByteString at p (int32 length, -1 = null), or -1 if it overruns end. */
    static int skipBytes(byte[] b, int p, int end) {
        if (p + 4 > end) return -1;
        int n = i32(b, p);
        p += 4;
        if (n <= 0) return n < -1 ? -1 : p;
        return n > end - p ? -1 : p + n;
    }

    /** UTF-8 String at p (p = its length field), null for a null/empty/overrunning string; at most max bytes. */
    static String string(byte[] b, int p, int end, int max) {
        if (p + 4 > end) return null;
        int n = i32(b, p);
        if (n <= 0 || n > max || n > end - p - 4) return null;
        return new String(b, p + 4, n, StandardCharsets.UTF_8);
    }

    /** Position after a NodeId at p, or -1. */
    static int skipNodeId(byte[] b, int p, int end) {
        if (p >= end) return -1;
        int enc = b[p] & 0x3F; // ExpandedNodeId flags (0x40/0x80) are not allowed in a NodeId
        switch (enc) {
            case 0: return p + 2 <= end ? p + 2 : -1;
            case 1: return p + 4 <= end ? p + 4 : -1;
            case 2: return p + 7 <= end ? p + 7 : -1;
            case 3: case 5: return p + 3 <= end ? skipBytes(b, p + 3, end) : -1;
            case 4: return p + 19 <= end ? p + 19 : -1;
            default: return -1;
        }
    }

    /** Numeric id of a namespace-0 numeric NodeId at p (two-byte, four-byte or full numeric form), else -1. */
    static long ns0Numeric(byte[] b, int p, int end) {
        if (p >= end) return -1;
        switch (b[p]) {
            case 0: return p + 2 <= end ? b[p + 1] & 0xFF : -1;
            case 1: return p + 4 <= end && b[p + 1] == 0 ? u16(b, p + 2) : -1;
            case 2: return p + 7 <= end && u16(b, p + 1) == 0 ? u32(b, p + 3) : -1;
            default: return -1;
        }
    }

    /** Position after an ExtensionObject at p, or -1. */
    static int skipExtensionObject(byte[] b, int p, int end) {
        p = skipNodeId(b, p, end);
        if (p < 0 || p >= end) return -1;
        int enc = b[p++];
        if (enc == 0) return p;
        if (enc == 1 || enc == 2) return skipBytes(b, p, end);
        return -1;
    }
}
