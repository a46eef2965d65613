package io.gridscout.protocols.fact;

/** MAC addresses are carried as the low 48 bits of a long; {@link #NONE} when the link had none. */
public final class Mac {
    public static final long NONE = -1L;

    private Mac() {}

    public static long read(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 6; i++) v = (v << 8) | (b[off + i] & 0xFF);
        return v;
    }

    public static String format(long mac) {
        if (mac == NONE) return null;
        char[] out = new char[17];
        final String hex = "0123456789abcdef";
        for (int i = 0; i < 6; i++) {
            int octet = (int) (mac >>> (40 - 8 * i)) & 0xFF;
            out[i * 3] = hex.charAt(octet >>> 4);
            out[i * 3 + 1] = hex.charAt(octet & 0xF);
            if (i < 5) out[i * 3 + 2] = ':';
        }
        return new String(out);
    }

    public static long parse(String s) {
        String h = s.replace(":", "").replace("-", "");
        if (h.length() != 12) throw new IllegalArgumentException("not a MAC: " + s);
        return Long.parseLong(h, 16);
    }

    /** Group (multicast/broadcast) addresses never identify one device. */
    public static boolean isGroup(long mac) {
        return mac != NONE && ((mac >>> 40) & 1) == 1;
    }

    public static int oui(long mac) {
        return (int) (mac >>> 24) & 0xFFFFFF;
    }
}
