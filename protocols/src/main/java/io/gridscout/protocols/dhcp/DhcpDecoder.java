package io.gridscout.protocols.dhcp;

import io.gridscout.protocols.fact.Confidence;
import io.gridscout.protocols.fact.Endpoint;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.IpAddr;
import io.gridscout.protocols.fact.Mac;
import io.gridscout.protocols.fact.OperationKind;
import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.ProtocolDecoder;
import io.gridscout.protocols.flow.Session;
import io.gridscout.protocols.util.LongSet;
import io.gridscout.protocols.util.Text;

/**
 * DHCP (RFC 2131/2132) datagrams of one UDP session. One session often carries many clients (0.0.0.0:68 to
 * 255.255.255.255:67), so clients are identified by chaddr, not by the session's endpoints: the client endpoint
 * is (chaddr, ciaddr or none, port 0).
 *
 * <p>Client requests: Service "dhcp" role "client"; Identity hostname (option 12), dhcpVendorClass (60),
 * dhcpClientId (61, hex), dhcpFingerprint (55, option codes comma separated, the usual fingerprint form), source
 * "dhcp"; operations discover/request/decline/release/inform by message type. Replies: the sender is Service
 * "dhcp" role "server" (a relay agent answering clients also serves); an ACK binds chaddr to yiaddr
 * ({@code HostSeen} source "dhcp").
 */
final class DhcpDecoder implements ProtocolDecoder {
    static final String PROTOCOL = "dhcp";
    static final String SOURCE = "dhcp";
    static final int COOKIE = 0x63825363;
    static final int MAX_SEEN = 8192;
    private static final String[] TYPES = {"bootp", "discover", "offer", "request", "decline", "ack", "nak", "release",
            "inform", "forcerenew", "leasequery", "leaseunassigned", "leaseunknown", "leaseactive", "bulkleasequery",
            "leasequerydone", "activeleasequery", "leasequerystatus", "tls"};

    private final Session s;
    private final LongSet seen = new LongSet(MAX_SEEN);       // (client, attribute, value) already reported
    private final boolean[] serverReported = new boolean[2];

    DhcpDecoder(Session s) {
        this.s = s;
    }

    static boolean looksLikeDhcp(byte[] b, int off, int len) {
        if (len < 240) return false;
        int op = b[off] & 0xFF, hlen = b[off + 2] & 0xFF;
        return (op == 1 || op == 2) && hlen <= 16 && s32(b, off + 236) == COOKIE;
    }

    @Override
    public void onData(int side, byte[] b, int off, int len, long t) {
        if (len < 240) {
            s.malformed(side, "short DHCP message");
            return;
        }
        if (s32(b, off + 236) != COOKIE) {
            s.malformed(side, "no DHCP magic cookie");
            return;
        }
        int op = b[off] & 0xFF;
        long chaddr = (b[off + 1] == 1 && b[off + 2] == 6) ? Mac.read(b, off + 28) : Mac.NONE;
        int ciaddr = s32(b, off + 12), yiaddr = s32(b, off + 16);
        // options: find the ones we use
        int type = 0, host = -1, hostLen = 0, vendor = -1, vendorLen = 0, cid = -1, cidLen = 0, prl = -1, prlLen = 0;
        int p = off + 240, end = off + len;
        while (p < end) {
            int code = b[p] & 0xFF;
            if (code == 255) break;
            if (code == 0) {
                p++;
                continue;
            }
            if (end - p < 2 || (b[p + 1] & 0xFF) > end - p - 2) {
                s.malformed(side, "DHCP option longer than message");
                break;
            }
            int l = b[p + 1] & 0xFF, v = p + 2;
            switch (code) {
                case 53 -> { if (l >= 1) type = b[v] & 0xFF; }
                case 12 -> { host = v; hostLen = l; }
                case 60 -> { vendor = v; vendorLen = l; }
                case 61 -> { cid = v; cidLen = l; }
                case 55 -> { prl = v; prlLen = l; }
                default -> { }
            }
            p = v + l;
        }
        String typeName = type < TYPES.length ? TYPES[type] : "other";
        if (op == 1) {
            s.operation(type, typeName, OperationKind.OTHER);
            if (chaddr == Mac.NONE) return;
            Endpoint client = new Endpoint(chaddr, ciaddr != 0 ? IpAddr.v4(ciaddr) : null, 0);
            if (seen.add(chaddr * 31)) s.facts().accept(new Fact.Service(t, client, PROTOCOL, Transport.UDP, "client"));
            if (host >= 0) identity(client, "hostname", Text.printable(b, host, hostLen), t);
            if (vendor >= 0) identity(client, "dhcpVendorClass", Text.printable(b, vendor, vendorLen), t);
            if (cid >= 0 && cidLen > 0) identity(client, "dhcpClientId", Text.hex(b, cid, cidLen), t);
            if (prl >= 0 && prlLen > 0) identity(client, "dhcpFingerprint", list(b, prl, prlLen), t);
        } else if (op == 2) {
            s.serverSide(side);
            if (!serverReported[side]) {
                serverReported[side] = true;
                s.facts().accept(new Fact.Service(t, s.endpoint(side), PROTOCOL, Transport.UDP, "server"));
            }
            s.detail("reply", typeName);
            if (type == 5 && yiaddr != 0 && chaddr != Mac.NONE && !Mac.isGroup(chaddr)
                    && seen.add(chaddr * 0x9E3779B97F4A7C15L ^ yiaddr)) {
                s.facts().accept(new Fact.HostSeen(t, chaddr, IpAddr.v4(yiaddr), SOURCE));
            }
        } else {
            s.malformed(side, "BOOTP op neither request nor reply");
        }
    }

    private void identity(Endpoint client, String attr, String value, long t) {
        if (value.isEmpty()) return;
        long key = client.mac() * 0x9E3779B97F4A7C15L + attr.hashCode() * 131L + value.hashCode();
        if (!seen.add(key)) return;
        s.facts().accept(new Fact.Identity(t, client, attr, value, SOURCE, Confidence.STATED));
    }

    private static String list(byte[] b, int p, int l) {
        StringBuilder sb = new StringBuilder(l * 3);
        for (int i = 0; i < l; i++) {
            if (i > 0) sb.append(',');
            sb.append(b[p + i] & 0xFF);
        }
        return sb.toString();
    }

    static int s32(byte[] b, int p) {
        return ((b[p] & 0xFF) << 24) | ((b[p + 1] & 0xFF) << 16) | ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
    }
}
