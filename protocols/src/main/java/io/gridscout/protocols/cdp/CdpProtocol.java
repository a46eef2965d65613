package io.gridscout.protocols.cdp;

import static io.gridscout.protocols.net.FrameDecoder.s32;
import static io.gridscout.protocols.net.FrameDecoder.u16;

import io.gridscout.protocols.fact.Endpoint;
import io.gridscout.protocols.fact.FactSink;
import io.gridscout.protocols.fact.IpAddr;
import io.gridscout.protocols.flow.EtherTypeProtocol;
import io.gridscout.protocols.util.L2Identity;

/**
 * Cisco Discovery Protocol: IEEE 802.3 frames with LLC/SNAP (AA AA 03), OUI 00-00-0C, PID 0x2000. The pipeline
 * hands 802.3 frames over as EtherType 0 with the payload after the length field; other LLC frames (STP, ...)
 * are ignored here. Identity of the sender MAC, source "cdp": name (Device ID), model (Platform), description
 * (Software Version), portId, managementAddress (Addresses / Management Addresses, IPv4), cdpCapabilities,
 * nativeVlan, vtpDomain.
 *
 * <p>Registered through {@code llc.LlcProtocol}, which dispatches every 802.3/LLC frame (CDP, BACnet over
 * Ethernet) since the pipeline gives a frame only to the first protocol claiming EtherType 0; usable alone too.
 */
public final class CdpProtocol implements EtherTypeProtocol {
    static final String SOURCE = "cdp";
    static final int MAX_SEEN = 8192;
    static final String[] CAPABILITIES = {"router", "transparentBridge", "sourceRouteBridge", "switch", "host", "igmp",
            "repeater", "phone", "remotelyManaged", "cvta", "macRelay"};

    @Override
    public String name() {
        return "cdp";
    }

    @Override
    public boolean handles(int etherType) {
        return etherType == 0;
    }

    @Override
    public Decoder newDecoder(FactSink sink) {
        return new Decoder(sink);
    }

    /** Is this 802.3 payload LLC/SNAP with Cisco's OUI and the CDP PID? */
    public static boolean isCdp(byte[] b, int off, int len) {
        return len >= 8 && (b[off] & 0xFF) == 0xAA && (b[off + 1] & 0xFF) == 0xAA && b[off + 2] == 3
                && b[off + 3] == 0 && b[off + 4] == 0 && b[off + 5] == 0x0C && b[off + 6] == 0x20 && b[off + 7] == 0;
    }

    public static final class Decoder implements EtherTypeDecoder {
        private final L2Identity out;
        private long otherLlc;

        Decoder(FactSink sink) {
            this.out = new L2Identity(sink, SOURCE, MAX_SEEN);
        }

        public long otherLlc() {
            return otherLlc;
        }

        public long malformed() {
            return out.malformed();
        }

        @Override
        public void onFrame(int etherType, long srcMac, long dstMac, int vlanId, byte[] b, int off, int len, long t) {
            if (off < 0 || len < 0 || off + len > b.length) return;
            if (!isCdp(b, off, len)) {
                otherLlc++;
                return;
            }
            if (!out.isNew(srcMac, b, off, len)) return;
            Endpoint ep = new Endpoint(srcMac, null, 0);
            int p = off + 8, end = off + len;
            if (end - p < 4) {
                out.bad(ep, "short CDP header", t);
                return;
            }
            int version = b[p] & 0xFF;
            if (version != 1 && version != 2) {
                out.bad(ep, "unknown CDP version", t);
                return;
            }
            p += 4;                                         // version, ttl, checksum
            while (end - p >= 4) {
                int type = u16(b, p), l = u16(b, p + 2);
                if (l < 4 || l > end - p) {
                    out.bad(ep, "CDP TLV length out of range", t);
                    return;
                }
                tlv(ep, type, b, p + 4, l - 4, t);
                p += l;
            }
        }

        private void tlv(Endpoint ep, int type, byte[] b, int p, int l, long t) {
            switch (type) {
                case 0x0001 -> out.text(ep, "name", b, p, l, t);
                case 0x0002, 0x0016 -> addresses(ep, b, p, l, t);
                case 0x0003 -> out.text(ep, "portId", b, p, l, t);
                case 0x0004 -> {
                    if (l >= 4) {
                        String caps = capabilities(s32(b, p));
                        if (!caps.isEmpty()) out.emit(ep, "cdpCapabilities", caps, t);
                    }
                }
                case 0x0005 -> out.text(ep, "description", b, p, l, t);
                case 0x0006 -> out.text(ep, "model", b, p, l, t);
                case 0x0009 -> out.text(ep, "vtpDomain", b, p, l, t);
                case 0x000A -> { if (l >= 2) out.emit(ep, "nativeVlan", Integer.toString(u16(b, p)), t); }
                default -> { }
            }
        }

        /** Count (4 bytes), then per address: protocol type, protocol length, protocol, address length, address. */
        private void addresses(Endpoint ep, byte[] b, int p, int l, long t) {
            if (l < 4) return;
            int n = s32(b, p), q = p + 4, end = p + l;
            for (int i = 0; i < n && i < 16 && end - q >= 2; i++) {
                int ptype = b[q] & 0xFF, plen = b[q + 1] & 0xFF;
                int a = q + 2 + plen;
                if (end - a < 2) return;
                int alen = u16(b, a);
                if (alen > end - a - 2) return;
                // NLPID 0xCC is IP
                if (ptype == 1 && plen == 1 && (b[q + 2] & 0xFF) == 0xCC && alen == 4) {
                    out.emit(ep, "managementAddress", IpAddr.v4(s32(b, a + 2)).toString(), t);
                } else if (ptype == 2 && alen == 16) {
                    out.emit(ep, "managementAddress", IpAddr.v6(b, a + 2).toString(), t);
                }
                q = a + 2 + alen;
            }
        }

    }

    static String capabilities(int bits) {
        return L2Identity.flags(bits, CAPABILITIES);
    }
}
