package io.gridscout.protocols.dlms;

import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.ProtocolDecoder;
import io.gridscout.protocols.flow.ProtocolSpec;
import io.gridscout.protocols.flow.Session;

/**
 * DLMS/COSEM over the TCP/UDP wrapper (port 4059) or HDLC (4060, serial-over-IP). Recognised by content: a
 * wrapper header (version 1) whose length matches and whose APDU tag is a DLMS one, or an HDLC type A frame whose
 * header check sequence is right. Off the well-known ports the wrapper length must match the payload exactly.
 */
public final class DlmsSpec implements ProtocolSpec {
    @Override
    public String name() {
        return Xdlms.PROTOCOL;
    }

    @Override
    public boolean supports(Transport transport) {
        return transport == Transport.TCP || transport == Transport.UDP;
    }

    @Override
    public boolean isWellKnownPort(int port) {
        return port == 4059 || port == 4060;
    }

    @Override
    public boolean matches(byte[] b, int off, int len, boolean portHint, Transport transport) {
        if (len >= 9 && b[off] == 0 && b[off + 1] == 1) {
            int l = ((b[off + 6] & 0xFF) << 8) | (b[off + 7] & 0xFF);
            if (l == 0 || !Xdlms.knownTag(b[off + 8] & 0xFF)) return false;
            return portHint || l == len - 8;
        }
        if (len >= 9 && (b[off] & 0xFF) == 0x7E) {
            int total = Hdlc.frameLength(b, off, off + len);
            if (total <= 0 || total > len) return false;
            Hdlc.Frame f = new Hdlc.Frame();
            return Hdlc.parse(b, off, total, f);
        }
        return false;
    }

    @Override
    public ProtocolDecoder newDecoder(Session session) {
        return new DlmsDecoder(session);
    }
}
