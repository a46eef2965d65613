package io.gridscout.protocols.net;

import io.gridscout.protocols.fact.Mac;

/**
 * The L2-L4 headers of the current frame as offsets and primitives into the capture buffer. One instance
 * is reused for every packet: decoding a frame allocates nothing.
 */
public final class FrameView {
    /** What the frame turned out to carry. */
    public static final int NONE = 0, L2 = 1, ARP = 2, IP = 3, TCP = 4, UDP = 5, FRAGMENT = 6, MALFORMED = 7;

    public int kind;
    public byte[] buf;

    // layer 2 (MACs are Mac.NONE when the link type has none)
    public long srcMac, dstMac;
    public int etherType;
    public int vlanId;
    public int l2PayloadOff, l2PayloadLen;

    // ARP (IPv4 over Ethernet)
    public int arpOp;
    public long arpSenderMac;
    public int arpSenderIp, arpTargetIp;

    // layer 3
    public int ipVersion;
    public long srcHi, srcLo, dstHi, dstLo;
    public int ipProto;
    public int ipOff;
    public int ipId, fragOffset;
    public int ttl;                       // IPv4 TTL or IPv6 hop limit
    public boolean moreFragments;

    // layer 4
    public int srcPort, dstPort;
    public int tcpFlags;
    public int seq, ack;
    public int payloadOff, payloadLen;

    /** Why the frame was MALFORMED (a constant, never built per packet). */
    public String malformedReason;

    public static final int FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACKF = 0x10;

    void reset(byte[] b) {
        buf = b;
        kind = NONE;
        srcMac = dstMac = Mac.NONE;
        etherType = 0;
        vlanId = -1;
        ipVersion = 0;
        ipProto = -1;
        srcPort = dstPort = 0;
        tcpFlags = 0;
        payloadOff = payloadLen = 0;
        moreFragments = false;
        fragOffset = 0;
        malformedReason = null;
    }

    public boolean isIpv4() {
        return ipVersion == 4;
    }
}
