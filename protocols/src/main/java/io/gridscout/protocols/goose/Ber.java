package io.gridscout.protocols.goose;

/**
 * Minimal BER TLV reader over a byte view. {@link #next} parses one TLV header at {@code pos} and leaves the
 * tag, value offset and value length in fields; returns false (never throws) when the header or the value
 * does not fit inside {@code end}.
 */
final class Ber {
    int tag;
    int valueOff;
    int valueLen;

    boolean next(byte[] b, int pos, int end) {
        if (pos < 0 || pos + 2 > end) return false;
        int t = b[pos++] & 0xFF;
        if ((t & 0x1F) == 0x1F) return false; // multi-byte tags do not occur in GOOSE/SV
        int l = b[pos++] & 0xFF;
        if (l >= 0x80) {
            int n = l & 0x7F;
            if (n == 0 || n > 3 || pos + n > end) return false;
            l = 0;
            for (int i = 0; i < n; i++) l = (l << 8) | (b[pos++] & 0xFF);
        }
        if (l > end - pos) return false;
        tag = t;
        valueOff = pos;
        valueLen = l;
        return true;
    }

    /** Unsigned big-endian integer of up to 8 bytes (BER INTEGER content; leading 0x00 allowed). */
    static long unsigned(byte[] b, int off, int len) {
        long v = 0;
        int n = Math.min(len, 8);
        for (int i = len - n; i < len; i++) v = (v << 8) | (b[off + i] & 0xFF);
        return v;
    }
}
