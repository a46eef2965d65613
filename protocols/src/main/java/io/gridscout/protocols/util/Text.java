package io.gridscout.protocols.util;

import java.nio.charset.StandardCharsets;

/** Turning identity bytes off the wire into display strings (only when a value is first learned). */
public final class Text {
    private Text() {}

    /**
     * Decodes bytes as UTF-8 (falling back to Latin-1 when not valid UTF-8), drops NULs and other control
     * characters, trims. Hostile bytes become harmless text; escaping for HTML etc. is the output's job.
     */
    public static String printable(byte[] b, int off, int len) {
        if (len <= 0) return "";
        String s = new String(b, off, len, StandardCharsets.UTF_8);
        if (s.indexOf('\uFFFD') >= 0) s = new String(b, off, len, StandardCharsets.ISO_8859_1);
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != 0x7F) sb.append(c);
            else if (c == '\t') sb.append(' ');
        }
        return sb.toString().trim();
    }

    public static String hex(byte[] b, int off, int len) {
        StringBuilder sb = new StringBuilder(len * 2);
        for (int i = 0; i < len; i++) {
            sb.append(Character.forDigit((b[off + i] >>> 4) & 0xF, 16)).append(Character.forDigit(b[off + i] & 0xF, 16));
        }
        return sb.toString();
    }
}
