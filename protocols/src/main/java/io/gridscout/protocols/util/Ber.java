package io.gridscout.protocols.util;

/**
 * A reusable BER TLV cursor (one per decoder, no allocation per element). {@link #read} parses the header at a
 * position and bounds the value by a limit; indefinite lengths extend to the limit. Never throws: false when the
 * header or the value does not fit (the fields are then meaningless).
 */
public final class Ber {
    /** First identifier octet (class, constructed bit, low tag bits). */
    public int first;
    /** Tag number (multi-octet tags decoded). */
    public int tag;
    public int valueOff;
    public int valueLen;
    /** The last header read had the indefinite length form (0x80). */
    public boolean indefinite;

    public boolean constructed() {
        return (first & 0x20) != 0;
    }

    public int end() {
        return valueOff + valueLen;
    }

    /** Parses the TLV header at {@code p}; false when it does not fit in {@code [p, limit)}. */
    public boolean read(byte[] b, int p, int limit) {
        indefinite = false;
        if (p < 0 || p >= limit || limit > b.length) return false;
        first = b[p++] & 0xFF;
        if ((first & 0x1F) == 0x1F) {
            int t = 0;
            for (int i = 0; ; i++) {
                if (p >= limit || i == 4) return false;
                int v = b[p++] & 0xFF;
                t = (t << 7) | (v & 0x7F);
                if ((v & 0x80) == 0) break;
            }
            tag = t;
        } else {
            tag = first & 0x1F;
        }
        if (p >= limit) return false;
        int l = b[p++] & 0xFF;
        if (l == 0x80) {
            indefinite = true;
            valueOff = p;
            valueLen = limit - p;
            return true;
        }
        if (l > 0x80) {
            int n = l & 0x7F;
            if (n > 3 || p + n > limit) return false;
            l = 0;
            for (int i = 0; i < n; i++) l = (l << 8) | (b[p++] & 0xFF);
        }
        if (p + l > limit) return false;
        valueOff = p;
        valueLen = l;
        return true;
    }

    /**
     * As {@link #read} for encodings with single-octet tags and definite lengths only (GOOSE and SV,
     * IEC 61850-8-1/9-2): a multi-octet tag or an indefinite length is refused.
     */
    public boolean readDefinite(byte[] b, int p, int limit) {
        if (p < 0 || p >= limit || limit > b.length || (b[p] & 0x1F) == 0x1F) return false;
        return read(b, p, limit) && !indefinite;
    }

    /** Finds the first child with identifier octet {@code first} in {@code [p, limit)}; leaves the cursor on it. */
    public boolean find(byte[] b, int p, int limit, int wanted) {
        while (p < limit) {
            if (!read(b, p, limit)) return false;
            if (this.first == wanted) return true;
            p = end();
        }
        return false;
    }

    /** Unsigned/signed INTEGER value of up to 8 octets at the cursor (two's complement). */
    public static long integer(byte[] b, int off, int len) {
        if (len <= 0 || len > 8) return -1;
        long v = b[off]; // sign-extends
        for (int i = 1; i < len; i++) v = (v << 8) | (b[off + i] & 0xFF);
        return v;
    }

    /** A printable string (VisibleString/UTF8String), trimmed and capped; null when empty or not text. */
    public static String text(byte[] b, int off, int len, int cap) {
        int n = Math.min(len, cap);
        while (n > 0 && (b[off + n - 1] == 0 || b[off + n - 1] == ' ')) n--;
        int s = 0;
        while (s < n && b[off + s] == ' ') s++;
        if (s >= n) return null;
        char[] c = new char[n - s];
        for (int i = s; i < n; i++) {
            int v = b[off + i] & 0xFF;
            c[i - s] = v >= 0x20 && v < 0x7F ? (char) v : (v >= 0xA0 ? (char) v : '?');
        }
        return new String(c);
    }

    /** Unsigned big-endian integer of up to 8 bytes (BER INTEGER content; leading 0x00 allowed; longer: the low 8). */
    public static long unsigned(byte[] b, int off, int len) {
        long v = 0;
        int n = Math.min(len, 8);
        for (int i = len - n; i < len; i++) v = (v << 8) | (b[off + i] & 0xFF);
        return v;
    }

    /**
     * A definite length alone (BER, and A-XDR which encodes lengths the same way): short form, or long form of up to
     * 3 bytes. Value in the low 32 bits, bytes used in the high; -1 when it does not fit before {@code end}.
     */
    public static long length(byte[] b, int p, int end) {
        if (p >= end) return -1;
        int f = b[p] & 0xFF;
        if (f < 0x80) return (1L << 32) | f;
        int n = f & 0x7F;
        if (n == 0 || n > 3 || p + 1 + n > end) return -1;
        int v = 0;
        for (int i = 1; i <= n; i++) v = (v << 8) | (b[p + i] & 0xFF);
        return ((long) (n + 1) << 32) | v;
    }
}
