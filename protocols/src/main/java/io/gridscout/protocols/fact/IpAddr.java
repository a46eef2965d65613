package io.gridscout.protocols.fact;

/**
 * An IPv4 or IPv6 address as two longs (IPv4 is stored IPv4-mapped, ::ffff:a.b.c.d), so flow keys and
 * host tables compare primitives instead of byte arrays.
 */
public record IpAddr(long hi, long lo) implements Comparable<IpAddr> {
    private static final long V4_MAPPED = 0x0000_FFFF_0000_0000L;

    public static IpAddr v4(int addr) {
        return new IpAddr(0, V4_MAPPED | (addr & 0xFFFF_FFFFL));
    }

    public static IpAddr v6(byte[] b, int off) {
        long hi = 0, lo = 0;
        for (int i = 0; i < 8; i++) hi = (hi << 8) | (b[off + i] & 0xFF);
        for (int i = 8; i < 16; i++) lo = (lo << 8) | (b[off + i] & 0xFF);
        return new IpAddr(hi, lo);
    }

    /**
     * Parses an address literal: dotted-quad IPv4 (four decimal octets, no leading zeros) or an IPv6 literal
     * (RFC 4291 text forms: eight groups, "::" compression, a trailing embedded IPv4). Never resolves a name:
     * anything else, including a scope id ("fe80::1%eth0") or brackets, is an IllegalArgumentException.
     */
    public static IpAddr parse(String s) {
        IpAddr a = parseOrNull(s);
        if (a != null) return a;
        if (s != null && s.indexOf('%') >= 0 && parseOrNull(s.substring(0, s.indexOf('%'))) != null) {
            throw new IllegalArgumentException("not an IP address: '" + s + "' (IPv6 scope ids are not supported)");
        }
        throw new IllegalArgumentException("not an IP address: '" + s + "' (literal addresses only, names are not resolved)");
    }

    /** {@link #parse}, or null when {@code s} is not an address literal. */
    public static IpAddr parseOrNull(String s) {
        if (s == null || s.isEmpty() || s.length() > 45) return null;
        if (s.indexOf(':') < 0) {
            long v = v4Literal(s, 0, s.length());
            return v < 0 ? null : v4((int) v);
        }
        return v6Literal(s);
    }

    /** The dotted quad in s[from, to) as an unsigned value, or -1 when it is not exactly one. */
    private static long v4Literal(String s, int from, int to) {
        long value = 0;
        int octets = 0, i = from;
        while (true) {
            int start = i, octet = 0;
            while (i < to && i - start < 3 && s.charAt(i) >= '0' && s.charAt(i) <= '9') octet = octet * 10 + (s.charAt(i++) - '0');
            int digits = i - start;
            if (digits == 0 || octet > 255 || (digits > 1 && s.charAt(start) == '0')) return -1;
            value = (value << 8) | octet;
            if (++octets == 4) return i == to ? value : -1;
            if (i >= to || s.charAt(i) != '.') return -1;
            i++;
        }
    }

    private static IpAddr v6Literal(String s) {
        int[] groups = new int[8];
        int n = 0, gap = -1, len = s.length(), i = 0;
        if (s.startsWith("::")) {
            gap = 0;
            i = 2;
            if (i == len) return new IpAddr(0, 0);
        } else if (s.charAt(0) == ':') {
            return null;
        }
        while (i < len) {
            if (n == 8) return null;
            int start = i, g = 0;
            while (i < len && i - start < 5 && hex(s.charAt(i)) >= 0) g = (g << 4) | hex(s.charAt(i++));
            if (i < len && s.charAt(i) == '.') {
                // embedded IPv4: the rest of the literal, in the last two groups
                long v = n > 6 ? -1 : v4Literal(s, start, len);
                if (v < 0) return null;
                groups[n++] = (int) (v >>> 16) & 0xFFFF;
                groups[n++] = (int) v & 0xFFFF;
                i = len;
                break;
            }
            int digits = i - start;
            if (digits == 0 || digits > 4) return null;
            groups[n++] = g;
            if (i == len) break;
            if (s.charAt(i) != ':') return null;
            i++;
            if (i < len && s.charAt(i) == ':') {
                if (gap >= 0) return null;      // a second "::"
                gap = n;
                i++;
            } else if (i == len) {
                return null;                     // a trailing single ':'
            }
        }
        if (gap < 0 ? n != 8 : n > 7) return null;
        int[] full = new int[8];
        if (gap < 0) full = groups;
        else {
            System.arraycopy(groups, 0, full, 0, gap);
            System.arraycopy(groups, gap, full, 8 - (n - gap), n - gap);
        }
        long hi = 0, lo = 0;
        for (int k = 0; k < 4; k++) hi = (hi << 16) | full[k];
        for (int k = 4; k < 8; k++) lo = (lo << 16) | full[k];
        return new IpAddr(hi, lo);
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    /**
     * Both words mixed into every bit. The record's default (31 * hash(hi) + hash(lo)) keeps an IPv4 address's
     * octets apart, so HashMap's bucket (low bits of h ^ h >>> 16) is the second octet XOR the fourth: a plan like
     * 10.site.bay.device put 116 hosts in 15 buckets, which turned the inventory's host table into tree bins.
     */
    @Override
    public int hashCode() {
        long h = lo ^ (hi * 0x9E3779B97F4A7C15L);
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return (int) h;
    }

    public boolean isV4() {
        return hi == 0 && (lo & 0xFFFF_FFFF_0000_0000L) == V4_MAPPED;
    }

    public int v4Value() {
        return (int) lo;
    }

    /** Network byte order: 4 bytes for IPv4 (mapped), 16 otherwise, e.g. for InetAddress.getByAddress (which resolves nothing). */
    public byte[] bytes() {
        byte[] b = new byte[isV4() ? 4 : 16];
        if (b.length == 4) {
            for (int i = 0; i < 4; i++) b[i] = (byte) (lo >>> (24 - 8 * i));
        } else {
            for (int i = 0; i < 8; i++) b[i] = (byte) (hi >>> (56 - 8 * i));
            for (int i = 0; i < 8; i++) b[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        return b;
    }

    public boolean isMulticastOrBroadcast() {
        if (isV4()) {
            int a = v4Value();
            int first = (a >>> 24) & 0xFF;
            return (first >= 224 && first <= 239) || a == -1 || a == 0;
        }
        return (hi >>> 56) == 0xFF;
    }

    @Override
    public String toString() {
        if (isV4()) {
            int a = v4Value();
            return ((a >>> 24) & 0xFF) + "." + ((a >>> 16) & 0xFF) + "." + ((a >>> 8) & 0xFF) + "." + (a & 0xFF);
        }
        int[] g = new int[8];
        for (int i = 0; i < 4; i++) g[i] = (int) (hi >>> (48 - 16 * i)) & 0xFFFF;
        for (int i = 0; i < 4; i++) g[4 + i] = (int) (lo >>> (48 - 16 * i)) & 0xFFFF;
        // RFC 5952: compress the longest run (>= 2) of zero groups
        int bestStart = -1, bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) { i++; continue; }
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') sb.append(':');
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    @Override
    public int compareTo(IpAddr o) {
        int c = Long.compareUnsigned(hi, o.hi);
        return c != 0 ? c : Long.compareUnsigned(lo, o.lo);
    }
}
