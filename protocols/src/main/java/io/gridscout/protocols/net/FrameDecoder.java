package io.gridscout.protocols.net;

import io.gridscout.protocols.fact.Mac;

/**
 * Walks link, network and transport headers in place and fills a reused {@link FrameView}. Never throws:
 * a header that does not fit the captured bytes makes the frame {@link FrameView#MALFORMED}.
 */
public final class FrameDecoder {
    public static final int LINK_NULL = 0, LINK_ETHERNET = 1, LINK_RAW = 101, LINK_LOOP = 108, LINK_SLL = 113,
            LINK_IPV4 = 228, LINK_IPV6 = 229, LINK_SLL2 = 276, LINK_RAW_BSD = 12, LINK_RAW_OLD = 14;

    private static final long V4_MAPPED = 0x0000_FFFF_0000_0000L;

    private FrameDecoder() {}

    /** Decodes one frame. Returns {@code v.kind}. */
    public static int decode(int linkType, byte[] b, int off, int len, FrameView v) {
        v.reset(b);
        int end = off + len;
        switch (linkType) {
            case LINK_ETHERNET:
                return ethernet(b, off, end, v);
            case LINK_SLL: {
                if (len < 16) return malformed(v, "short SLL header");
                int arphrd = u16(b, off + 2), alen = u16(b, off + 4);
                if (arphrd == 1 && alen == 6) v.srcMac = Mac.read(b, off + 6);
                return cookedPayload(u16(b, off + 14), b, off + 16, end, v);
            }
            case LINK_SLL2: {
                if (len < 20) return malformed(v, "short SLL2 header");
                int arphrd = u16(b, off + 8), alen = b[off + 11] & 0xFF;
                if (arphrd == 1 && alen == 6) v.srcMac = Mac.read(b, off + 12);
                return cookedPayload(u16(b, off), b, off + 20, end, v);
            }
            case LINK_RAW: case LINK_RAW_BSD: case LINK_RAW_OLD: case LINK_IPV4: case LINK_IPV6:
                if (len < 1) return malformed(v, "empty raw IP packet");
                return ((b[off] & 0xF0) == 0x60) ? ipv6(b, off, end, v) : ipv4(b, off, end, v);
            case LINK_NULL: case LINK_LOOP: {
                if (len < 4) return malformed(v, "short loopback header");
                int fam = (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (b[off + 3] & 0xFF) << 24;
                if (fam > 0xFFFF) fam = Integer.reverseBytes(fam);
                if (fam == 2) return ipv4(b, off + 4, end, v);
                if (fam == 24 || fam == 28 || fam == 30 || fam == 10) return ipv6(b, off + 4, end, v);
                return v.kind = FrameView.NONE;
            }
            default:
                return v.kind = FrameView.NONE;
        }
    }

    private static int ethernet(byte[] b, int off, int end, FrameView v) {
        if (end - off < 14) return malformed(v, "short Ethernet header");
        v.dstMac = Mac.read(b, off);
        v.srcMac = Mac.read(b, off + 6);
        int p = off + 14;
        int type = u16(b, off + 12);
        // 802.1Q, 802.1ad (QinQ) and the old 0x9100 tag; keep the innermost VLAN id
        for (int tags = 0; (type == 0x8100 || type == 0x88A8 || type == 0x9100) && tags < 4; tags++) {
            if (end - p < 4) return malformed(v, "short VLAN tag");
            v.vlanId = u16(b, p) & 0x0FFF;
            type = u16(b, p + 2);
            p += 4;
        }
        if (type < 0x0600) {                 // IEEE 802.3 length field: LLC follows (STP, CDP, BACnet/Ethernet...)
            v.etherType = 0;
            v.l2PayloadOff = p;
            v.l2PayloadLen = Math.min(type, end - p);
            return v.kind = FrameView.L2;
        }
        return etherPayload(type, b, p, end, v);
    }

    /** Linux cooked headers: libpcap re-inserts the VLAN tag after the protocol field, so tags can follow here too. */
    private static int cookedPayload(int type, byte[] b, int p, int end, FrameView v) {
        for (int tags = 0; (type == 0x8100 || type == 0x88A8 || type == 0x9100) && tags < 4; tags++) {
            if (end - p < 4) return malformed(v, "short VLAN tag");
            v.vlanId = u16(b, p) & 0x0FFF;
            type = u16(b, p + 2);
            p += 4;
        }
        return etherPayload(type, b, p, end, v);
    }

    private static int etherPayload(int type, byte[] b, int p, int end, FrameView v) {
        v.etherType = type;
        v.l2PayloadOff = p;
        v.l2PayloadLen = end - p;
        switch (type) {
            case 0x0800: return ipv4(b, p, end, v);
            case 0x86DD: return ipv6(b, p, end, v);
            case 0x0806: return arp(b, p, end, v);
            default: return v.kind = FrameView.L2;
        }
    }

    private static int arp(byte[] b, int p, int end, FrameView v) {
        if (end - p < 28) return malformed(v, "short ARP");
        if (u16(b, p) != 1 || u16(b, p + 2) != 0x0800 || b[p + 4] != 6 || b[p + 5] != 4) return v.kind = FrameView.L2;
        v.arpOp = u16(b, p + 6);
        v.arpSenderMac = Mac.read(b, p + 8);
        v.arpSenderIp = s32(b, p + 14);
        v.arpTargetIp = s32(b, p + 24);
        return v.kind = FrameView.ARP;
    }

    static int ipv4(byte[] b, int p, int end, FrameView v) {
        if (end - p < 20) return malformed(v, "short IPv4 header");
        int vihl = b[p] & 0xFF;
        if ((vihl >>> 4) != 4) return malformed(v, "bad IPv4 version");
        int ihl = (vihl & 0x0F) * 4;
        int total = u16(b, p + 2);
        if (total == 0) total = end - p;     // captured with TCP segmentation offload: length presumed from the capture
        if (ihl < 20 || total < ihl || end - p < ihl) return malformed(v, "bad IPv4 header length");
        int ipEnd = Math.min(end, p + total);   // Ethernet padding is cut; a truncated capture keeps what it has
        v.ipVersion = 4;
        v.ipOff = p;
        v.ipId = u16(b, p + 4);
        v.ttl = b[p + 8] & 0xFF;
        int ff = u16(b, p + 6);
        v.moreFragments = (ff & 0x2000) != 0;
        v.fragOffset = (ff & 0x1FFF) * 8;
        v.ipProto = b[p + 9] & 0xFF;
        v.srcHi = 0;
        v.srcLo = V4_MAPPED | (s32(b, p + 12) & 0xFFFF_FFFFL);
        v.dstHi = 0;
        v.dstLo = V4_MAPPED | (s32(b, p + 16) & 0xFFFF_FFFFL);
        v.payloadOff = p + ihl;
        v.payloadLen = ipEnd - v.payloadOff;
        if (v.moreFragments || v.fragOffset != 0) return v.kind = FrameView.FRAGMENT;
        return transport(b, p + ihl, ipEnd, v);
    }

    private static int ipv6(byte[] b, int p, int end, FrameView v) {
        if (end - p < 40) return malformed(v, "short IPv6 header");
        if ((b[p] & 0xF0) != 0x60) return malformed(v, "bad IPv6 version");
        int plen = u16(b, p + 4);
        int next = b[p + 6] & 0xFF;
        v.ipVersion = 6;
        v.ipOff = p;
        v.ttl = b[p + 7] & 0xFF;
        v.srcHi = s64(b, p + 8);
        v.srcLo = s64(b, p + 16);
        v.dstHi = s64(b, p + 24);
        v.dstLo = s64(b, p + 32);
        int ipEnd = plen == 0 ? end : Math.min(end, p + 40 + plen);   // 0: jumbogram, take what was captured
        int q = p + 40;
        // skip extension headers; fragments other than the first are not reassembled (rare in OT networks)
        for (int hops = 0; hops < 8; hops++) {
            if (next == 0 || next == 43 || next == 60) {
                if (ipEnd - q < 8) return malformed(v, "short IPv6 extension header");
                next = b[q] & 0xFF;
                q += 8 + (b[q + 1] & 0xFF) * 8;
            } else if (next == 44) {
                if (ipEnd - q < 8) return malformed(v, "short IPv6 fragment header");
                int fo = u16(b, q + 2);
                next = b[q] & 0xFF;
                q += 8;
                if ((fo & 0xFFF8) != 0 || (fo & 1) != 0) {
                    v.ipProto = next;
                    v.fragOffset = fo & 0xFFF8;
                    v.moreFragments = (fo & 1) != 0;
                    v.payloadOff = q;
                    v.payloadLen = Math.max(0, ipEnd - q);
                    return v.kind = FrameView.FRAGMENT;
                }
            } else if (next == 51) {
                if (ipEnd - q < 8) return malformed(v, "short IPv6 AH header");
                next = b[q] & 0xFF;
                q += ((b[q + 1] & 0xFF) + 2) * 4;
            } else {
                break;
            }
        }
        if (q > ipEnd) return malformed(v, "IPv6 extension headers exceed packet");
        v.ipProto = next;
        return transport(b, q, ipEnd, v);
    }

    /** Parses TCP or UDP starting at {@code p}; used for whole packets and reassembled IPv4 datagrams. */
    public static int transport(byte[] b, int p, int end, FrameView v) {
        v.payloadOff = p;
        v.payloadLen = end - p;
        if (v.ipProto == 6) {
            if (end - p < 20) return malformed(v, "short TCP header");
            int doff = ((b[p + 12] & 0xFF) >>> 4) * 4;
            if (doff < 20 || end - p < doff) return malformed(v, "bad TCP data offset");
            v.srcPort = u16(b, p);
            v.dstPort = u16(b, p + 2);
            v.seq = s32(b, p + 4);
            v.ack = s32(b, p + 8);
            v.tcpFlags = b[p + 13] & 0xFF;
            v.payloadOff = p + doff;
            v.payloadLen = end - v.payloadOff;
            return v.kind = FrameView.TCP;
        }
        if (v.ipProto == 17) {
            if (end - p < 8) return malformed(v, "short UDP header");
            v.srcPort = u16(b, p);
            v.dstPort = u16(b, p + 2);
            int ulen = u16(b, p + 4);
            v.payloadOff = p + 8;
            v.payloadLen = (ulen >= 8 && p + ulen <= end) ? ulen - 8 : end - v.payloadOff;
            return v.kind = FrameView.UDP;
        }
        return v.kind = FrameView.IP;
    }

    private static int malformed(FrameView v, String reason) {
        v.malformedReason = reason;
        return v.kind = FrameView.MALFORMED;
    }

    public static int u16(byte[] b, int p) {
        return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
    }

    public static int s32(byte[] b, int p) {
        return ((b[p] & 0xFF) << 24) | ((b[p + 1] & 0xFF) << 16) | ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
    }

    static long s64(byte[] b, int p) {
        return ((long) s32(b, p) << 32) | (s32(b, p + 4) & 0xFFFF_FFFFL);
    }
}
