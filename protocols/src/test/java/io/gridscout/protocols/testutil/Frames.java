package io.gridscout.protocols.testutil;

import java.io.ByteArrayOutputStream;

/** Builds frames byte by byte from the standards (Ethernet II, IPv4, IPv6, TCP, UDP) for packet-path tests. */
public final class Frames {
    private Frames() {}

    public static final byte[] MAC_A = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55};
    public static final byte[] MAC_B = {0x00, 0x66, 0x77, (byte) 0x88, (byte) 0x99, (byte) 0xAA};

    public static byte[] hex(String s) {
        s = s.replace(" ", "");
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        return b;
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) o.writeBytes(p);
        return o.toByteArray();
    }

    public static byte[] ip4(String dotted) {
        String[] p = dotted.split("\\.");
        return new byte[] {(byte) Integer.parseInt(p[0]), (byte) Integer.parseInt(p[1]), (byte) Integer.parseInt(p[2]), (byte) Integer.parseInt(p[3])};
    }

    public static byte[] ethernet(byte[] dst, byte[] src, int etherType, byte[] payload) {
        return concat(dst, src, new byte[] {(byte) (etherType >> 8), (byte) etherType}, payload);
    }

    public static byte[] vlan(int tpid, int vid, int innerType) {
        return new byte[] {(byte) (tpid >> 8), (byte) tpid, (byte) (vid >> 8), (byte) vid, (byte) (innerType >> 8), (byte) innerType};
    }

    /** IPv4 header (no options) + payload. {@code flagsFrag} is the raw flags/fragment-offset word. */
    public static byte[] ipv4(byte[] src, byte[] dst, int proto, int id, int flagsFrag, byte[] payload) {
        int total = 20 + payload.length;
        byte[] h = {0x45, 0, (byte) (total >> 8), (byte) total, (byte) (id >> 8), (byte) id, (byte) (flagsFrag >> 8), (byte) flagsFrag,
                64, (byte) proto, 0, 0, src[0], src[1], src[2], src[3], dst[0], dst[1], dst[2], dst[3]};
        int sum = 0;
        for (int i = 0; i < 20; i += 2) sum += ((h[i] & 0xFF) << 8) | (h[i + 1] & 0xFF);
        while ((sum >> 16) != 0) sum = (sum & 0xFFFF) + (sum >> 16);
        sum = ~sum & 0xFFFF;
        h[10] = (byte) (sum >> 8);
        h[11] = (byte) sum;
        return concat(h, payload);
    }

    public static byte[] ipv6(byte[] src16, byte[] dst16, int next, byte[] payload) {
        byte[] h = new byte[40];
        h[0] = 0x60;
        h[4] = (byte) (payload.length >> 8);
        h[5] = (byte) payload.length;
        h[6] = (byte) next;
        h[7] = 64;
        System.arraycopy(src16, 0, h, 8, 16);
        System.arraycopy(dst16, 0, h, 24, 16);
        return concat(h, payload);
    }

    public static byte[] tcp(int sport, int dport, int seq, int ack, int flags, byte[] payload) {
        byte[] h = {(byte) (sport >> 8), (byte) sport, (byte) (dport >> 8), (byte) dport,
                (byte) (seq >>> 24), (byte) (seq >> 16), (byte) (seq >> 8), (byte) seq,
                (byte) (ack >>> 24), (byte) (ack >> 16), (byte) (ack >> 8), (byte) ack,
                0x50, (byte) flags, (byte) 0xFF, (byte) 0xFF, 0, 0, 0, 0};
        return concat(h, payload);
    }

    public static byte[] udp(int sport, int dport, byte[] payload) {
        int l = 8 + payload.length;
        return concat(new byte[] {(byte) (sport >> 8), (byte) sport, (byte) (dport >> 8), (byte) dport, (byte) (l >> 8), (byte) l, 0, 0}, payload);
    }

    /** Ethernet + IPv4 + TCP between a (client) and b (server) addresses given as dotted strings. */
    public static byte[] tcpFrame(String src, int sport, String dst, int dport, int seq, int ack, int flags, byte[] payload) {
        boolean fromA = src.compareTo(dst) < 0;
        return ethernet(fromA ? MAC_B : MAC_A, fromA ? MAC_A : MAC_B, 0x0800,
                ipv4(ip4(src), ip4(dst), 6, 1, 0x4000, tcp(sport, dport, seq, ack, flags, payload)));
    }

    public static byte[] udpFrame(String src, int sport, String dst, int dport, byte[] payload) {
        return ethernet(MAC_B, MAC_A, 0x0800, ipv4(ip4(src), ip4(dst), 17, 1, 0, udp(sport, dport, payload)));
    }

    public static final int FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10;

    /** TPKT (RFC 1006) + COTP DT (ISO 8073) around {@code len} bytes of {@code data}; {@code eot} ends the TSDU. */
    public static byte[] tpktDt(byte[] data, int off, int len, boolean eot) {
        byte[] out = new byte[7 + len];
        out[0] = 3;
        out[2] = (byte) (out.length >> 8);
        out[3] = (byte) out.length;
        out[4] = 2;
        out[5] = (byte) 0xF0;
        out[6] = (byte) (eot ? 0x80 : 0);
        System.arraycopy(data, off, out, 7, len);
        return out;
    }

    /** A whole TSDU (hex) in one TPKT + COTP DT with EOT. */
    public static byte[] tpktDt(String tsduHex) {
        byte[] p = java.util.HexFormat.of().parseHex(tsduHex);
        return tpktDt(p, 0, p.length, true);
    }
}
