package io.gridscout.protocols.lldp;

import static io.gridscout.protocols.net.FrameDecoder.s32;
import static io.gridscout.protocols.net.FrameDecoder.u16;

import io.gridscout.protocols.fact.Endpoint;
import io.gridscout.protocols.fact.FactSink;
import io.gridscout.protocols.fact.IpAddr;
import io.gridscout.protocols.fact.Mac;
import io.gridscout.protocols.flow.EtherTypeProtocol;
import io.gridscout.protocols.util.L2Identity;
import io.gridscout.protocols.util.Text;

/**
 * IEEE 802.1AB LLDP (EtherType 0x88CC): what a switch, IED or PC says about itself every 30 s. Identity of the
 * sender (its source MAC): name (system name), description (system description), chassisId, portId,
 * portDescription, managementAddress, lldpCapabilities (enabled capabilities, e.g. "bridge,router"); source "lldp".
 *
 * <p>An LLDPDU is re-read only when its content changes (sender MAC + content hash in a bounded set), so the
 * periodic repeats cost a hash and no facts.
 */
public final class LldpProtocol implements EtherTypeProtocol {
    public static final int ETHERTYPE = 0x88CC;
    static final String SOURCE = "lldp";
    static final int MAX_SEEN = 8192;
    static final String[] CAPABILITIES = {"other", "repeater", "bridge", "wlanAccessPoint", "router", "telephone",
            "docsis", "station", "cVlan", "sVlan", "tpmr"};

    @Override
    public String name() {
        return "lldp";
    }

    @Override
    public boolean handles(int etherType) {
        return etherType == ETHERTYPE;
    }

    @Override
    public Decoder newDecoder(FactSink sink) {
        return new Decoder(sink);
    }

    public static final class Decoder implements EtherTypeDecoder {
        private final L2Identity out;

        Decoder(FactSink sink) {
            this.out = new L2Identity(sink, SOURCE, MAX_SEEN);
        }

        public long malformed() {
            return out.malformed();
        }

        @Override
        public void onFrame(int etherType, long srcMac, long dstMac, int vlanId, byte[] b, int off, int len, long t) {
            if (len < 2 || off < 0 || off + len > b.length) return;
            if (!out.isNew(srcMac, b, off, len)) return;                       // same LLDPDU as before (or table full)
            Endpoint ep = new Endpoint(srcMac, null, 0);
            int p = off, end = off + len;
            while (end - p >= 2) {
                int type = (b[p] & 0xFF) >>> 1, l = ((b[p] & 1) << 8) | (b[p + 1] & 0xFF);
                p += 2;
                if (l > end - p) {
                    out.bad(ep, "LLDP TLV longer than frame", t);
                    return;
                }
                if (type == 0) return;                      // End of LLDPDU
                tlv(ep, type, b, p, l, t);
                p += l;
            }
        }

        private void tlv(Endpoint ep, int type, byte[] b, int p, int l, long t) {
            switch (type) {
                case 1 -> { if (l >= 2) id(ep, "chassisId", b[p] & 0xFF, 4, 5, b, p + 1, l - 1, t); }
                case 2 -> { if (l >= 2) id(ep, "portId", b[p] & 0xFF, 3, 4, b, p + 1, l - 1, t); }
                case 4 -> out.text(ep, "portDescription", b, p, l, t);
                case 5 -> out.text(ep, "name", b, p, l, t);
                case 6 -> out.text(ep, "description", b, p, l, t);
                case 7 -> {
                    if (l >= 4) {
                        int system = u16(b, p), enabled = u16(b, p + 2);
                        String caps = capabilities(enabled != 0 ? enabled : system);
                        if (!caps.isEmpty()) out.emit(ep, "lldpCapabilities", caps, t);
                    }
                }
                case 8 -> {
                    // address string length (subtype + address), subtype (IANA family), address, ...
                    if (l >= 2) {
                        int alen = b[p] & 0xFF;
                        if (alen >= 2 && alen + 1 <= l) {
                            String a = address(b[p + 1] & 0xFF, b, p + 2, alen - 1);
                            if (a != null) out.emit(ep, "managementAddress", a, t);
                        }
                    }
                }
                default -> { }
            }
        }

        /** Chassis/port id: MAC subtype as a MAC, network address subtype as an address, the rest as text. */
        private void id(Endpoint ep, String attr, int subtype, int macSubtype, int netSubtype, byte[] b, int p, int l, long t) {
            String v;
            if (subtype == macSubtype && l == 6) v = Mac.format(Mac.read(b, p));
            else if (subtype == netSubtype && l >= 2) v = address(b[p] & 0xFF, b, p + 1, l - 1);
            else v = Text.printable(b, p, l);
            if (v != null && !v.isEmpty()) out.emit(ep, attr, v, t);
        }

    }

    static String capabilities(int bits) {
        return L2Identity.flags(bits, CAPABILITIES);
    }

    /** IANA address family 1 (IPv4) or 2 (IPv6); 6 (802 MAC) as a MAC. Null for others. */
    static String address(int family, byte[] b, int p, int l) {
        if (family == 1 && l == 4) return IpAddr.v4(s32(b, p)).toString();
        if (family == 2 && l == 16) return IpAddr.v6(b, p).toString();
        if (family == 6 && l == 6) return Mac.format(Mac.read(b, p));
        return null;
    }
}
