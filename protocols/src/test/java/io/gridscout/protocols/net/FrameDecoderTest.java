package io.gridscout.protocols.net;

import io.gridscout.protocols.fact.IpAddr;
import io.gridscout.protocols.fact.Mac;
import org.junit.jupiter.api.Test;

import static io.gridscout.protocols.testutil.Frames.*;
import static org.assertj.core.api.Assertions.assertThat;

class FrameDecoderTest {
    private final FrameView v = new FrameView();
    private static final byte[] PAYLOAD = hex("000100000006ff0300000001");   // a Modbus read request
    private static final byte[] TCP_SEG = tcp(40000, 502, 1000, 2000, ACK | PSH, PAYLOAD);
    private static final byte[] IP4_TCP = ipv4(ip4("10.0.0.1"), ip4("10.0.0.2"), 6, 7, 0x4000, TCP_SEG);
    private static final byte[] V6_SRC = hex("fe800000000000000000000000000001"), V6_DST = hex("fe800000000000000000000000000002");

    private int decode(int link, byte[] f) {
        // decode at an offset inside a larger buffer: the view must use offsets, not assume 0
        byte[] b = new byte[f.length + 7];
        System.arraycopy(f, 0, b, 3, f.length);
        return FrameDecoder.decode(link, b, 3, f.length, v);
    }

    private void assertModbusTcp(int kind) {
        assertThat(kind).isEqualTo(FrameView.TCP);
        assertThat(v.srcPort).isEqualTo(40000);
        assertThat(v.dstPort).isEqualTo(502);
        assertThat(v.seq).isEqualTo(1000);
        assertThat(v.ack).isEqualTo(2000);
        assertThat(v.tcpFlags).isEqualTo(ACK | PSH);
        assertThat(new IpAddr(v.srcHi, v.srcLo)).isEqualTo(IpAddr.parse("10.0.0.1"));
        assertThat(new IpAddr(v.dstHi, v.dstLo)).isEqualTo(IpAddr.parse("10.0.0.2"));
        assertThat(v.payloadLen).isEqualTo(PAYLOAD.length);
        assertThat(java.util.Arrays.copyOfRange(v.buf, v.payloadOff, v.payloadOff + v.payloadLen)).isEqualTo(PAYLOAD);
    }

    /** Every proper prefix of a frame whose headers are cut is MALFORMED (or a well-defined lesser kind), never an exception. */
    private void everyTruncationIsSafe(int link, byte[] f, int headerBytes) {
        for (int n = 0; n < f.length; n++) {
            int k = decode(link, java.util.Arrays.copyOf(f, n));
            if (n < headerBytes) assertThat(k).as("prefix %d of link %d", n, link).isEqualTo(FrameView.MALFORMED);
            assertThat(v.payloadLen).isGreaterThanOrEqualTo(0);
            assertThat(v.payloadOff + v.payloadLen).isLessThanOrEqualTo(3 + n);
        }
    }

    @Test
    void ethernetIpv4Tcp() {
        byte[] f = ethernet(MAC_B, MAC_A, 0x0800, IP4_TCP);
        assertModbusTcp(decode(FrameDecoder.LINK_ETHERNET, f));
        assertThat(v.srcMac).isEqualTo(Mac.parse("00:11:22:33:44:55"));
        assertThat(v.dstMac).isEqualTo(Mac.parse("00:66:77:88:99:aa"));
        assertThat(v.vlanId).isEqualTo(-1);
        assertThat(v.ipId).isEqualTo(7);
        everyTruncationIsSafe(FrameDecoder.LINK_ETHERNET, f, 14 + 20 + 20);
    }

    @Test
    void ethernetPaddingIsCutByIpTotalLength() {
        byte[] ip = ipv4(ip4("10.0.0.1"), ip4("10.0.0.2"), 17, 1, 0, udp(1, 2, new byte[] {9}));
        byte[] f = concat(ethernet(MAC_B, MAC_A, 0x0800, ip), new byte[60 - 14 - ip.length]);
        assertThat(decode(FrameDecoder.LINK_ETHERNET, f)).isEqualTo(FrameView.UDP);
        assertThat(v.payloadLen).isEqualTo(1);
    }

    @Test
    void vlanAndQinQKeepInnermostVlan() {
        byte[] one = concat(MAC_B, MAC_A, vlan(0x8100, 0x2064, 0x0800), IP4_TCP);   // PCP 1, VID 100
        assertModbusTcp(decode(FrameDecoder.LINK_ETHERNET, one));
        assertThat(v.vlanId).isEqualTo(100);
        everyTruncationIsSafe(FrameDecoder.LINK_ETHERNET, one, 18 + 40);

        byte[] qinq = concat(MAC_B, MAC_A, vlan(0x88A8, 10, 0x8100), new byte[] {0x00, (byte) 200, 0x08, 0x00}, IP4_TCP);
        assertModbusTcp(decode(FrameDecoder.LINK_ETHERNET, qinq));
        assertThat(v.vlanId).isEqualTo(200);
        everyTruncationIsSafe(FrameDecoder.LINK_ETHERNET, qinq, 22 + 40);
    }

    @Test
    void ieee8023LlcIsL2WithLengthBoundPayload() {
        byte[] llc = hex("424203000000");   // STP BPDU start: DSAP 0x42, SSAP 0x42, UI
        byte[] f = concat(hex("0180c2000000"), MAC_A, new byte[] {0, (byte) llc.length}, llc, new byte[20]);
        assertThat(decode(FrameDecoder.LINK_ETHERNET, f)).isEqualTo(FrameView.L2);
        assertThat(v.etherType).isZero();
        assertThat(v.l2PayloadLen).isEqualTo(llc.length);
        assertThat(v.l2PayloadOff).isEqualTo(3 + 14);
    }

    @Test
    void arpRequest() {
        byte[] arp = hex("0001 0800 06 04 0001 001122334455 0a000001 000000000000 0a000002");
        byte[] f = ethernet(hex("ffffffffffff"), MAC_A, 0x0806, arp);
        assertThat(decode(FrameDecoder.LINK_ETHERNET, f)).isEqualTo(FrameView.ARP);
        assertThat(v.arpOp).isEqualTo(1);
        assertThat(v.arpSenderMac).isEqualTo(Mac.parse("00:11:22:33:44:55"));
        assertThat(v.arpSenderIp).isEqualTo(0x0a000001);
        assertThat(v.arpTargetIp).isEqualTo(0x0a000002);
        everyTruncationIsSafe(FrameDecoder.LINK_ETHERNET, f, 14 + 28);
    }

    @Test
    void ipv4FragmentsAreFlagged() {
        byte[] first = ethernet(MAC_B, MAC_A, 0x0800, ipv4(ip4("10.0.0.1"), ip4("10.0.0.2"), 17, 0x1234, 0x2000, new byte[16]));
        assertThat(decode(FrameDecoder.LINK_ETHERNET, first)).isEqualTo(FrameView.FRAGMENT);
        assertThat(v.moreFragments).isTrue();
        assertThat(v.fragOffset).isZero();
        assertThat(v.ipId).isEqualTo(0x1234);
        assertThat(v.payloadLen).isEqualTo(16);
        byte[] last = ethernet(MAC_B, MAC_A, 0x0800, ipv4(ip4("10.0.0.1"), ip4("10.0.0.2"), 17, 0x1234, 2, new byte[5]));
        assertThat(decode(FrameDecoder.LINK_ETHERNET, last)).isEqualTo(FrameView.FRAGMENT);
        assertThat(v.moreFragments).isFalse();
        assertThat(v.fragOffset).isEqualTo(16);
        assertThat(v.ipProto).isEqualTo(17);
    }

    @Test
    void ipv4WithOptionsAndBadHeaders() {
        byte[] ip = ipv4(ip4("10.0.0.1"), ip4("10.0.0.2"), 6, 7, 0, TCP_SEG);
        byte[] withOpts = new byte[ip.length + 4];
        System.arraycopy(ip, 0, withOpts, 0, 20);
        System.arraycopy(new byte[] {1, 1, 1, 0}, 0, withOpts, 20, 4);          // NOP NOP NOP EOL
        System.arraycopy(ip, 20, withOpts, 24, ip.length - 20);
        withOpts[0] = 0x46;
        int total = withOpts.length;
        withOpts[2] = (byte) (total >> 8);
        withOpts[3] = (byte) total;
        assertModbusTcp(decode(FrameDecoder.LINK_RAW, withOpts));

        byte[] badIhl = ip.clone();
        badIhl[0] = 0x44;
        assertThat(decode(FrameDecoder.LINK_RAW, badIhl)).isEqualTo(FrameView.MALFORMED);
        byte[] bigIhl = ip.clone();
        bigIhl[0] = 0x4F;                               // 60-byte header, total length smaller
        bigIhl[2] = 0;
        bigIhl[3] = 40;
        assertThat(decode(FrameDecoder.LINK_RAW, bigIhl)).isEqualTo(FrameView.MALFORMED);
        byte[] badVersion = ip.clone();
        badVersion[0] = 0x55;
        assertThat(decode(FrameDecoder.LINK_IPV4, badVersion)).isEqualTo(FrameView.MALFORMED);
        byte[] badTcpOffset = ip.clone();
        badTcpOffset[20 + 12] = 0x40;                   // 16 bytes < minimum 20
        assertThat(decode(FrameDecoder.LINK_RAW, badTcpOffset)).isEqualTo(FrameView.MALFORMED);
        badTcpOffset[20 + 12] = (byte) 0xF0;            // 60 bytes > segment
        assertThat(decode(FrameDecoder.LINK_RAW, badTcpOffset)).isEqualTo(FrameView.MALFORMED);
    }

    @Test
    void udpLengthBoundsPayload() {
        byte[] ip = ipv4(ip4("10.0.0.1"), ip4("10.0.0.2"), 17, 1, 0, udp(20000, 2222, hex("0102030405")));
        assertThat(decode(FrameDecoder.LINK_RAW, ip)).isEqualTo(FrameView.UDP);
        assertThat(v.srcPort).isEqualTo(20000);
        assertThat(v.dstPort).isEqualTo(2222);
        assertThat(v.payloadLen).isEqualTo(5);
        byte[] lying = ip.clone();
        lying[20 + 5] = (byte) 200;                     // UDP length beyond the packet: take what is there
        assertThat(decode(FrameDecoder.LINK_RAW, lying)).isEqualTo(FrameView.UDP);
        assertThat(v.payloadLen).isEqualTo(5);
        everyTruncationIsSafe(FrameDecoder.LINK_RAW, ip, 28);
    }

    @Test
    void otherIpProtocolIsIp() {
        byte[] icmp = ipv4(ip4("10.0.0.1"), ip4("10.0.0.2"), 1, 1, 0, hex("0800f7ff00000000"));
        assertThat(decode(FrameDecoder.LINK_RAW, icmp)).isEqualTo(FrameView.IP);
        assertThat(v.ipProto).isEqualTo(1);
    }

    @Test
    void ipv6WithExtensionHeaders() {
        byte[] seg = tcp(40000, 502, 1000, 2000, ACK | PSH, PAYLOAD);
        // hop-by-hop (8 bytes) -> destination options (16 bytes) -> atomic fragment header (offset 0, M=0) -> TCP
        byte[] hbh = hex("3c00 010400000000");
        byte[] dst = hex("2c01 0000000000000000000000000000");
        dst[2] = 1; dst[3] = 10;                       // PadN covering the rest
        byte[] frag = hex("06 00 0000 00000001");
        byte[] pkt = ipv6(V6_SRC, V6_DST, 0, concat(hbh, dst, frag, seg));
        byte[] f = ethernet(MAC_B, MAC_A, 0x86DD, pkt);
        int k = decode(FrameDecoder.LINK_ETHERNET, f);
        assertThat(k).isEqualTo(FrameView.TCP);
        assertThat(v.ipVersion).isEqualTo(6);
        assertThat(new IpAddr(v.srcHi, v.srcLo)).isEqualTo(IpAddr.parse("fe80::1"));
        assertThat(v.payloadLen).isEqualTo(PAYLOAD.length);
        everyTruncationIsSafe(FrameDecoder.LINK_ETHERNET, f, 14 + 40 + 32 + 20);

        byte[] realFrag = hex("11 00 0009 00000002");   // offset 1 (8 bytes), M=1, UDP
        assertThat(decode(FrameDecoder.LINK_IPV6, ipv6(V6_SRC, V6_DST, 44, concat(realFrag, new byte[16])))).isEqualTo(FrameView.FRAGMENT);
        assertThat(v.fragOffset).isEqualTo(8);
        assertThat(v.moreFragments).isTrue();
        assertThat(v.ipProto).isEqualTo(17);

        byte[] tooLong = hex("06ff000000000000");      // destination options claiming 2 KiB
        assertThat(decode(FrameDecoder.LINK_IPV6, ipv6(V6_SRC, V6_DST, 60, concat(tooLong, seg)))).isEqualTo(FrameView.MALFORMED);
        assertThat(decode(FrameDecoder.LINK_IPV6, ipv6(V6_SRC, V6_DST, 51, hex("06ff0000")))).isEqualTo(FrameView.MALFORMED);
    }

    @Test
    void linuxCookedV1AndV2() {
        byte[] sll = concat(hex("0000 0001 0006 001122334455 0000 0800"), IP4_TCP);
        assertModbusTcp(decode(FrameDecoder.LINK_SLL, sll));
        assertThat(v.srcMac).isEqualTo(Mac.parse("00:11:22:33:44:55"));
        everyTruncationIsSafe(FrameDecoder.LINK_SLL, sll, 16 + 40);

        byte[] sll2 = concat(hex("0800 0000 00000002 0001 00 06 001122334455 0000"), IP4_TCP);
        assertModbusTcp(decode(FrameDecoder.LINK_SLL2, sll2));
        assertThat(v.srcMac).isEqualTo(Mac.parse("00:11:22:33:44:55"));
        everyTruncationIsSafe(FrameDecoder.LINK_SLL2, sll2, 20 + 40);
    }

    /** libpcap puts the VLAN tag back into cooked captures (tshark decodes it as 802.1Q): the IP inside must not be lost. */
    @Test
    void linuxCookedWithVlanTag() {
        byte[] sll = concat(hex("0000 0001 0006 001122334455 0000"), vlan(0x8100, 100, 0x0800), IP4_TCP);
        assertModbusTcp(decode(FrameDecoder.LINK_SLL, sll));
        assertThat(v.vlanId).isEqualTo(100);
        everyTruncationIsSafe(FrameDecoder.LINK_SLL, sll, 20 + 40);
        byte[] sll2 = concat(hex("8100 0000 00000002 0001 00 06 001122334455 0000"), new byte[] {0, 100, 0x08, 0x00}, IP4_TCP);
        assertModbusTcp(decode(FrameDecoder.LINK_SLL2, sll2));
        assertThat(v.vlanId).isEqualTo(100);
    }

    @Test
    void rawIpLinkTypes() {
        for (int link : new int[] {FrameDecoder.LINK_RAW, FrameDecoder.LINK_IPV4, FrameDecoder.LINK_RAW_BSD, FrameDecoder.LINK_RAW_OLD}) {
            assertModbusTcp(decode(link, IP4_TCP));
            assertThat(v.srcMac).isEqualTo(Mac.NONE);
            everyTruncationIsSafe(link, IP4_TCP, 40);
        }
        byte[] v6 = ipv6(V6_SRC, V6_DST, 6, TCP_SEG);
        for (int link : new int[] {FrameDecoder.LINK_RAW, FrameDecoder.LINK_IPV6}) {
            assertThat(decode(link, v6)).isEqualTo(FrameView.TCP);
            assertThat(v.ipVersion).isEqualTo(6);
            everyTruncationIsSafe(link, v6, 60);
        }
    }

    @Test
    void bsdLoopbackBothByteOrders() {
        byte[] le = concat(hex("02000000"), IP4_TCP), be = concat(hex("00000002"), IP4_TCP);
        assertModbusTcp(decode(FrameDecoder.LINK_NULL, le));
        assertModbusTcp(decode(FrameDecoder.LINK_NULL, be));
        assertModbusTcp(decode(FrameDecoder.LINK_LOOP, be));
        everyTruncationIsSafe(FrameDecoder.LINK_NULL, le, 44);
        everyTruncationIsSafe(FrameDecoder.LINK_NULL, be, 44);
        for (String fam : new String[] {"18000000", "1c000000", "1e000000", "0000001e", "0a000000"}) {
            assertThat(decode(FrameDecoder.LINK_NULL, concat(hex(fam), ipv6(V6_SRC, V6_DST, 6, TCP_SEG)))).isEqualTo(FrameView.TCP);
        }
        assertThat(decode(FrameDecoder.LINK_NULL, concat(hex("07000000"), IP4_TCP))).isEqualTo(FrameView.NONE);
    }

    @Test
    void unknownLinkTypeIsNone() {
        assertThat(decode(147, IP4_TCP)).isEqualTo(FrameView.NONE);
    }
}
