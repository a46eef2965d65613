package io.gridscout.protocols.names;

import io.gridscout.protocols.fact.Confidence;
import io.gridscout.protocols.fact.Endpoint;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.IpAddr;
import io.gridscout.protocols.fact.Mac;
import io.gridscout.protocols.fact.OperationKind;
import io.gridscout.protocols.flow.ProtocolDecoder;
import io.gridscout.protocols.flow.Session;
import io.gridscout.protocols.util.LongSet;
import io.gridscout.protocols.util.ServiceRoles;
import io.gridscout.protocols.util.Text;

/**
 * DNS (UDP 53) and mDNS (UDP 5353) responses: every A and AAAA record names the address it answers, so the
 * answered host (not the responder) gets Identity "dnsName" with source "dns" or "mdns". Once per (ip, name)
 * per pipeline, through the spec's bounded set. Unicast DNS also gives the responder its "server" role.
 */
final class DnsDecoder implements ProtocolDecoder {
    private final Session s;
    private final boolean multicast;
    private final String source;
    private final LongSet seen;
    private final DnsWire w = new DnsWire();
    private final ServiceRoles roles;

    DnsDecoder(Session s, boolean multicast, LongSet seen) {
        this.s = s;
        this.multicast = multicast;
        this.source = multicast ? "mdns" : "dns";
        this.seen = seen;
        this.roles = new ServiceRoles(s, source, "client", "server");
    }

    @Override
    public void onData(int side, byte[] b, int off, int len, long t) {
        int end = off + len;
        if (len < 12) {
            s.malformed(side, "short DNS header");
            return;
        }
        int flags = DnsWire.u16(b, off + 2);
        boolean response = (flags & 0x8000) != 0;
        if (!multicast) {
            if (response) roles.server(side, t);
            else {
                roles.client(side, t);
                s.operation(0, "query", OperationKind.READ);
            }
        }
        if (response && !multicast) s.complete();   // one query, one answer: the flow has told all it will
        if (!response || (flags & 0x000F) != 0) return;
        int qd = DnsWire.u16(b, off + 4), records = DnsWire.u16(b, off + 6) + DnsWire.u16(b, off + 8) + DnsWire.u16(b, off + 10);
        int p = off + 12;
        for (int i = 0; i < qd; i++) {
            if (!w.readName(b, off, p, end) || w.next + 4 > end) {
                s.malformed(side, "bad DNS question");
                return;
            }
            p = w.next + 4;
        }
        for (int i = 0; i < records && p < end; i++) {
            if (!w.readName(b, off, p, end) || w.next + 10 > end) {
                s.malformed(side, "bad DNS record");
                return;
            }
            int q = w.next;
            int type = DnsWire.u16(b, q), cls = DnsWire.u16(b, q + 2) & 0x7FFF, rdlen = DnsWire.u16(b, q + 8);
            int rd = q + 10;
            if (rd + rdlen > end) {
                s.malformed(side, "DNS record overruns");
                return;
            }
            if (cls == 1 && w.nameLen > 0 && ((type == 1 && rdlen == 4) || (type == 28 && rdlen == 16))) address(b, rd, type == 28, t);
            p = rd + rdlen;
        }
    }

    private void address(byte[] b, int rd, boolean v6, long t) {
        long hi = 0, lo = 0;
        if (v6) {
            for (int i = 0; i < 8; i++) hi = (hi << 8) | (b[rd + i] & 0xFF);
            for (int i = 8; i < 16; i++) lo = (lo << 8) | (b[rd + i] & 0xFF);
        } else {
            for (int i = 0; i < 4; i++) lo = (lo << 8) | (b[rd + i] & 0xFF);
        }
        if (!seen.add(w.hash(hi, lo, multicast ? 2 : 1))) return;
        IpAddr ip = v6 ? new IpAddr(hi, lo) : IpAddr.v4((int) lo);
        String name = Text.printable(w.name, 0, w.nameLen);
        if (name.isEmpty()) return;
        s.facts().accept(new Fact.Identity(t, new Endpoint(Mac.NONE, ip, 0), "dnsName", name, source, Confidence.REPORTED));
    }
}
