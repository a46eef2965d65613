package io.gridscout.mapping.site;

import io.gridscout.protocols.fact.IpAddr;

/** An IPv4 or IPv6 prefix ("10.1.0.0/16", "fd00::/8", or a single address). Parsed from literals only, never DNS. */
public record Cidr(IpAddr base, int bits) {
    public static Cidr parse(String s) {
        String t = s.trim();
        int slash = t.indexOf('/');
        String addr = slash < 0 ? t : t.substring(0, slash);
        if (addr.isEmpty() || !addr.chars().allMatch(ch -> Character.digit(ch, 16) >= 0 || ch == '.' || ch == ':')) {
            throw new IllegalArgumentException("not an address or CIDR: " + s);
        }
        IpAddr ip = IpAddr.parse(addr);
        int max = ip.isV4() ? 32 : 128;
        int bits = max;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(t.substring(slash + 1));
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

    public static IpAddr parseOrNull(String ip) {
        if (ip == null || ip.isEmpty() || !ip.chars().allMatch(ch -> Character.digit(ch, 16) >= 0 || ch == '.' || ch == ':')) return null;
        try {
            return IpAddr.parse(ip);
        } catch (IllegalArgumentException e) {
            return null;
        }
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
