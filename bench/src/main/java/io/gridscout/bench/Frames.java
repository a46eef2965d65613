package io.gridscout.bench;

/**
 * Builds Ethernet/IPv4/TCP/UDP frames into one reusable buffer: the payload is written at {@link #PAYLOAD_TCP}
 * or {@link #PAYLOAD_UDP} first, then the headers around it. IPv4 header checksums are correct; TCP/UDP
 * checksums are left 0 (tshark does not verify them by default, as on a capture with offloading).
 */
public final class Frames {
    public static final int ETH = 14, PAYLOAD_TCP = ETH + 20 + 20, PAYLOAD_UDP = ETH + 20 + 8;
    public static final int SYN = 0x02, ACK = 0x10, PSH = 0x08, FIN = 0x01, RST = 0x04;

    public final byte[] buf = new byte[300_000];
    private int ipId;

    public static long mac(int ip) {
        return 0x0200_0000_0000L | (ip & 0xFFFF_FFFFL);      // locally administered, derived from the IP
    }

    /** Ethernet header; returns the offset after it. */
    public int ethernet(long dst, long src, int etherType) {
        for (int i = 0; i < 6; i++) {
            buf[i] = (byte) (dst >>> (40 - 8 * i));
            buf[6 + i] = (byte) (src >>> (40 - 8 * i));
        }
        buf[12] = (byte) (etherType >>> 8);
        buf[13] = (byte) etherType;
        return ETH;
    }

    private void ipv4(int src, int dst, int proto, int l4len) {
        ethernet(mac(dst), mac(src), 0x0800);
        int o = ETH, total = 20 + l4len;
        buf[o] = 0x45;
        buf[o + 1] = 0;
        be16(o + 2, total);
        be16(o + 4, ipId++);
        be16(o + 6, 0x4000);
        buf[o + 8] = 64;
        buf[o + 9] = (byte) proto;
        be16(o + 10, 0);
        be32(o + 12, src);
        be32(o + 16, dst);
        int sum = 0;
        for (int i = 0; i < 20; i += 2) sum += ((buf[o + i] & 0xFF) << 8) | (buf[o + i + 1] & 0xFF);
        while ((sum >>> 16) != 0) sum = (sum & 0xFFFF) + (sum >>> 16);
        be16(o + 10, ~sum & 0xFFFF);
    }

    /** TCP segment around {@code len} payload bytes already at PAYLOAD_TCP; returns the frame length. */
    public int tcp(int src, int sport, int dst, int dport, long seq, long ack, int flags, int len) {
        ipv4(src, dst, 6, 20 + len);
        int o = ETH + 20;
        be16(o, sport);
        be16(o + 2, dport);
        be32(o + 4, (int) seq);
        be32(o + 8, (int) ack);
        buf[o + 12] = 0x50;
        buf[o + 13] = (byte) flags;
        be16(o + 14, 64240);
        be16(o + 16, 0);
        be16(o + 18, 0);
        return PAYLOAD_TCP + len;
    }

    /** UDP datagram around {@code len} payload bytes already at PAYLOAD_UDP; returns the frame length. */
    public int udp(int src, int sport, int dst, int dport, int len) {
        ipv4(src, dst, 17, 8 + len);
        int o = ETH + 20;
        be16(o, sport);
        be16(o + 2, dport);
        be16(o + 4, 8 + len);
        be16(o + 6, 0);
        return PAYLOAD_UDP + len;
    }

    public void be16(int o, int v) {
        buf[o] = (byte) (v >>> 8);
        buf[o + 1] = (byte) v;
    }

    public void be32(int o, int v) {
        buf[o] = (byte) (v >>> 24);
        buf[o + 1] = (byte) (v >>> 16);
        buf[o + 2] = (byte) (v >>> 8);
        buf[o + 3] = (byte) v;
    }

    public void le16(int o, int v) {
        buf[o] = (byte) v;
        buf[o + 1] = (byte) (v >>> 8);
    }

    public void le32(int o, int v) {
        le16(o, v);
        le16(o + 2, v >>> 16);
    }

    /** Copies bytes to {@code o}; returns the offset after them. */
    public int put(int o, byte[] b) {
        System.arraycopy(b, 0, buf, o, b.length);
        return o + b.length;
    }

    public static String ip(int a) {
        return (a >>> 24) + "." + ((a >>> 16) & 255) + "." + ((a >>> 8) & 255) + "." + (a & 255);
    }

    public static String macString(long m) {
        StringBuilder sb = new StringBuilder(17);
        for (int i = 5; i >= 0; i--) {
            int x = (int) (m >>> (8 * i)) & 0xFF;
            sb.append(Character.forDigit(x >> 4, 16)).append(Character.forDigit(x & 15, 16));
            if (i > 0) sb.append(':');
        }
        return sb.toString();
    }
}
