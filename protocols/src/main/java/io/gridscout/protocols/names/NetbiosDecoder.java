package io.gridscout.protocols.names;

import io.gridscout.protocols.fact.Confidence;
import io.gridscout.protocols.fact.Endpoint;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.IpAddr;
import io.gridscout.protocols.fact.Mac;
import io.gridscout.protocols.flow.ProtocolDecoder;
import io.gridscout.protocols.flow.Session;
import io.gridscout.protocols.util.LongSet;
import io.gridscout.protocols.util.Text;

/**
 * NetBIOS name service (RFC 1002, UDP 137): registrations, refreshes and positive responses carry NB records
 * (flags + IPv4 per entry) for a first-level encoded name (32 letters A-P → 15 characters + suffix byte).
 * Unique names with suffix 0x00 (workstation) or 0x20 (file server) are host names: Identity "netbiosName" of
 * the address in the record, source "netbios", once per (ip, name) per pipeline. Group names (domains,
 * workgroups) and other suffixes (services, browsers) are not host names and are skipped.
 */
final class NetbiosDecoder implements ProtocolDecoder {
    static final String SOURCE = "netbios";
    private final Session s;
    private final LongSet seen;
    private final DnsWire w = new DnsWire();
    private final byte[] decoded = new byte[16];

    NetbiosDecoder(Session s, LongSet seen) {
        this.s = s;
        this.seen = seen;
    }

    @Override
    public void onData(int side, byte[] b, int off, int len, long t) {
        int end = off + len;
        if (len < 12) {
            s.malformed(side, "short NetBIOS header");
            return;
        }
        int flags = DnsWire.u16(b, off + 2);
        boolean response = (flags & 0x8000) != 0;
        int opcode = (flags >> 11) & 0xF, rcode = flags & 0xF;
        if (response ? rcode != 0 || (opcode != 0 && opcode != 5 && opcode != 8 && opcode != 9)
                : opcode != 5 && opcode != 8 && opcode != 9 && opcode != 15) return;     // queries and releases name nobody
        int qd = DnsWire.u16(b, off + 4), records = DnsWire.u16(b, off + 6) + DnsWire.u16(b, off + 8) + DnsWire.u16(b, off + 10);
        int p = off + 12;
        for (int i = 0; i < qd; i++) {
            if (!w.readName(b, off, p, end) || w.next + 4 > end) {
                s.malformed(side, "bad NetBIOS question");
                return;
            }
            p = w.next + 4;
        }
        for (int i = 0; i < records && p < end; i++) {
            if (!w.readName(b, off, p, end) || w.next + 10 > end) {
                s.malformed(side, "bad NetBIOS record");
                return;
            }
            int q = w.next;
            int type = DnsWire.u16(b, q), rdlen = DnsWire.u16(b, q + 8), rd = q + 10;
            if (rd + rdlen > end) {
                s.malformed(side, "NetBIOS record overruns");
                return;
            }
            if (type == 0x20 && decode()) {
                for (int e = rd; e + 6 <= rd + rdlen; e += 6) {
                    if ((b[e] & 0x80) != 0) continue;                        // group name
                    int ip = ((b[e + 2] & 0xFF) << 24) | ((b[e + 3] & 0xFF) << 16) | ((b[e + 4] & 0xFF) << 8) | (b[e + 5] & 0xFF);
                    if (ip != 0) emit(ip, t);
                }
            }
            p = rd + rdlen;
        }
    }

    /** First-level decoding of the 32-letter label (scope ignored); true for a host name suffix. */
    private boolean decode() {
        if (w.nameLen < 32 || (w.nameLen > 32 && w.name[32] != '.')) return false;
        for (int i = 0; i < 16; i++) {
            int hi = w.name[2 * i] - 'A', lo = w.name[2 * i + 1] - 'A';
            if (hi < 0 || hi > 15 || lo < 0 || lo > 15) return false;
            decoded[i] = (byte) ((hi << 4) | lo);
        }
        return decoded[15] == 0x00 || decoded[15] == 0x20;
    }

    private void emit(int ip, long t) {
        long h = 3 * 0x9E3779B97F4A7C15L ^ ip;
        for (int i = 0; i < 15; i++) h = h * 1_000_003L + decoded[i];
        if (!seen.add(h)) return;
        String name = Text.printable(decoded, 0, 15);
        if (name.isEmpty()) return;
        s.facts().accept(new Fact.Identity(t, new Endpoint(Mac.NONE, IpAddr.v4(ip), 0), "netbiosName", name, SOURCE, Confidence.STATED));
    }
}
