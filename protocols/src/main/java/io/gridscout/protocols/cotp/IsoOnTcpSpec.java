package io.gridscout.protocols.cotp;

import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.ProtocolDecoder;
import io.gridscout.protocols.flow.ProtocolSpec;
import io.gridscout.protocols.flow.Session;

/**
 * ISO transport over TCP (RFC 1006, port 102): one spec for everything on it, since the protocol (IEC 61850 MMS,
 * S7comm, S7comm-plus) is only known from the first DT TPDU. The decoder reports facts under "mms", "s7comm" and
 * "s7comm-plus"; this spec's own name "iso-tsap" is what the session (and its counters) carry.
 */
public final class IsoOnTcpSpec implements ProtocolSpec {
    public static final String NAME = "iso-tsap";
    public static final int PORT = 102;

    @Override public String name() { return NAME; }

    @Override public boolean supports(Transport transport) { return transport == Transport.TCP; }

    @Override public boolean isWellKnownPort(int port) { return port == PORT; }

    @Override
    public boolean matches(byte[] b, int off, int len, boolean portHint, Transport transport) {
        if (transport != Transport.TCP || b == null || off < 0 || len < 7 || off + len > b.length) return false;
        if (b[off] != 3 || b[off + 1] != 0) return false;
        int tl = ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
        if (tl < 7) return false;
        int li = b[off + 4] & 0xFF;
        if (li < 2 || li + 5 > tl) return false;
        int type = b[off + 5] & 0xF0;
        boolean known = switch (type) {
            case 0xE0, 0xD0 -> li >= 6;
            case 0xF0 -> li == 2;
            case 0x80, 0xC0, 0x70 -> li >= 5;
            default -> false;
        };
        if (!known) return false;
        if (portHint) return true;
        // without the port: a complete TPKT, and for data the upper protocol must be recognisable
        if (len < tl) return false;
        if (type == 0xF0) {
            if (tl < 8) return false;
            int first = b[off + 7] & 0xFF;
            return first == 0x32 || first == 0x72 || first == 0x0D || first == 0x0E || first == 0x01;
        }
        return type == 0xE0 || type == 0xD0;
    }

    @Override
    public ProtocolDecoder newDecoder(Session session) {
        return new IsoOnTcpDecoder(session);
    }
}
