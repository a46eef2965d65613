package io.gridscout.protocols.ntp;

import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.OperationKind;
import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.ProtocolDecoder;
import io.gridscout.protocols.flow.Session;

/**
 * NTP (RFC 5905) datagrams of one UDP session. Roles by mode: 3 client, 4 server (and 5 broadcast server),
 * 1/2 symmetric "peer"; mode 6 (ntpq control) and 7 (ntpdc private, e.g. monlist) requests are operations of
 * kind DIAGNOSTIC and their responses mark the server. Server details: "stratum" (Long) and "referenceId"
 * (kiss code or reference clock for stratum 0/1, upstream IPv4 for stratum 2-15) and "version", once per value.
 */
final class NtpDecoder implements ProtocolDecoder {
    static final String PROTOCOL = "ntp";
    private static final int MAX_VALUES = 16;
    private static final String[] ROLE = {null, "peer", "peer", "client", "server", "server", null, null};

    private final Session s;
    private final boolean[][] roleReported = new boolean[2][8];
    private final long[] strata = new long[4];                // bitset 0..255
    private final int[] refIds = new int[MAX_VALUES];       // raw reference ids already reported
    private int refIdCount;
    private int versions;                                     // bitset 0..7

    NtpDecoder(Session s) {
        this.s = s;
    }

    @Override
    public void onData(int side, byte[] b, int off, int len, long t) {
        if (len < 1) {
            s.malformed(side, "empty NTP datagram");
            return;
        }
        int vn = (b[off] >>> 3) & 7, mode = b[off] & 7;
        switch (mode) {
            case 1, 2, 3, 4, 5 -> {
                if (len < 48) {
                    s.malformed(side, "short NTP packet");
                    return;
                }
                if (mode == 4 || mode == 5) s.serverSide(side);
                else if (mode == 3) s.serverSide(1 - side);
                role(side, mode, t);
                if (mode == 3) s.operation(3, "time_request", OperationKind.READ);
                else if (mode != 4) s.operation(mode, mode == 5 ? "broadcast" : "symmetric", OperationKind.OTHER);
                if (mode != 3) serverDetails(side, vn, b, off, t);
            }
            // mode 6: R bit in byte 1; mode 7: R bit in byte 0, request code in byte 3 (42 = MON_GETLIST_1)
            case 6 -> control(side, len >= 2 && (b[off + 1] & 0x80) != 0, 6, "control", t);
            case 7 -> control(side, (b[off] & 0x80) != 0, 7, len >= 4 && (b[off + 3] & 0xFF) == 42 ? "monlist" : "private", t);
            default -> s.malformed(side, "NTP mode 0");
        }
    }

    /** Mode 6/7: a request is an operation of the client; a response (R bit) comes from the server. */
    private void control(int side, boolean response, int mode, String name, long t) {
        if (response) {
            s.serverSide(side);
            role(side, 4, t);
        } else {
            s.operation(mode, name, OperationKind.DIAGNOSTIC);
            role(side, 3, t);
        }
    }

    private void role(int side, int mode, long t) {
        String role = ROLE[mode];
        if (role == null || roleReported[side][mode == 5 ? 4 : mode]) return;
        roleReported[side][mode == 5 ? 4 : mode] = true;
        s.facts().accept(new Fact.Service(t, s.endpoint(side), PROTOCOL, Transport.UDP, role));
    }

    private void serverDetails(int side, int vn, byte[] b, int off, long t) {
        String role = ROLE[b[off] & 7];
        int stratum = b[off + 1] & 0xFF;
        if ((strata[stratum >>> 6] & (1L << (stratum & 63))) == 0) {
            strata[stratum >>> 6] |= 1L << (stratum & 63);
            detail(side, role, "stratum", (long) stratum, t);
        }
        if ((versions & (1 << vn)) == 0) {
            versions |= 1 << vn;
            detail(side, role, "version", (long) vn, t);
        }
        int r = off + 12;
        if (b[r] == 0 && b[r + 1] == 0 && b[r + 2] == 0 && b[r + 3] == 0) return;
        int raw = ((b[r] & 0xFF) << 24) | ((b[r + 1] & 0xFF) << 16) | ((b[r + 2] & 0xFF) << 8) | (b[r + 3] & 0xFF);
        for (int i = 0; i < refIdCount; i++) if (refIds[i] == raw) return;
        if (refIdCount == MAX_VALUES) return;
        refIds[refIdCount++] = raw;
        detail(side, role, "referenceId", refId(stratum, b, r), t);
    }

    private void detail(int side, String role, String name, Object value, long t) {
        s.facts().accept(new Fact.ServiceDetail(t, s.endpoint(side), PROTOCOL, Transport.UDP, role, name, value));
    }

    /** Stratum 0 (kiss code) and 1 (reference clock) carry up to four ASCII letters; higher strata an IPv4. */
    static String refId(int stratum, byte[] b, int r) {
        if (stratum <= 1) {
            StringBuilder sb = new StringBuilder(4);
            for (int i = 0; i < 4; i++) {
                int c = b[r + i] & 0xFF;
                if (c == 0) break;
                sb.append(c >= 0x20 && c < 0x7F ? (char) c : '?');
            }
            return sb.toString();
        }
        return (b[r] & 0xFF) + "." + (b[r + 1] & 0xFF) + "." + (b[r + 2] & 0xFF) + "." + (b[r + 3] & 0xFF);
    }
}
