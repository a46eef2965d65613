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

    /** Parses dotted IPv4 or a full/compressed IPv6 literal; for tests and config, not the hot path. */
    public static IpAddr parse(String s) {
        try {
            byte[] b = java.net.InetAddress.getByName(s).getAddress();
            if (b.length == 4) return v4(((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF));
            return v6(b, 0);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + s);
        }
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
