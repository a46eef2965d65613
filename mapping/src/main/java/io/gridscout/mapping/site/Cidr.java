package io.gridscout.mapping.site;

import io.gridscout.protocols.fact.IpAddr;

/** An IPv4 or IPv6 prefix ("10.1.0.0/16", "fd00::/8", or a single address). Parsed from literals only, never DNS. */
public record Cidr(IpAddr base, int bits) {
    public static Cidr parse(String s) {
        String t = s.trim();
        int slash = t.indexOf('/');
        String addr = slash < 0 ? t : t.substring(0, slash);
        IpAddr ip = IpAddr.parseOrNull(addr);
        if (ip == null) {
            throw new IllegalArgumentException("not an address or CIDR: '" + s + "' (literal addresses only, names are not resolved)");
        }
        int max = ip.isV4() ? 32 : 128;
        int bits = max;
        if (slash >= 0) {
            try {
                String len = t.substring(slash + 1);
                if (len.isEmpty() || len.length() > 3 || !len.chars().allMatch(ch -> ch >= '0' && ch <= '9')) throw new NumberFormatException(len);
                bits = Integer.parseInt(len);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad prefix length in " + s);
            }
            if (bits < 0 || bits > max) throw new IllegalArgumentException("bad prefix length in " + s);
        }
        return new Cidr(mask(ip, bits), bits);
    }

    public boolean contains(IpAddr ip) {
        if (ip == null || ip.isV4() != base.isV4()) return false;
        return mask(ip, bits).equals(base);
    }

    public boolean contains(String ip) {
        IpAddr a = parseOrNull(ip);
        return a != null && contains(a);
    }

    /** Prefix length relative to the address family, for longest-match ordering. */
    public int specificity() {
        return base.isV4() ? bits + 96 : bits;
    }

    /** The address literal, or null for anything else (names included: they are never resolved). */
    public static IpAddr parseOrNull(String ip) {
        return IpAddr.parseOrNull(ip);
    }

    private static IpAddr mask(IpAddr ip, int bits) {
        if (ip.isV4()) {
            int v = ip.v4Value();
            int m = bits == 0 ? 0 : -1 << (32 - bits);
            return IpAddr.v4(v & m);
        }
        long hi = ip.hi(), lo = ip.lo();
        if (bits <= 64) {
            hi = bits == 0 ? 0 : hi & (-1L << (64 - bits));
            lo = 0;
        } else if (bits < 128) {
            lo = lo & (-1L << (128 - bits));
        }
        return new IpAddr(hi, lo);
    }

    @Override
    public String toString() {
        return base + "/" + bits;
    }
}
