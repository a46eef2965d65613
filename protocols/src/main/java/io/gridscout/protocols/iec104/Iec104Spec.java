package io.gridscout.protocols.iec104;

import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.ProtocolDecoder;
import io.gridscout.protocols.flow.ProtocolSpec;
import io.gridscout.protocols.flow.Session;

/** IEC 60870-5-104 over TCP (registered port 2404), recognised by a valid APCI. */
public final class Iec104Spec implements ProtocolSpec {
    public static final int PORT = 2404;

    @Override public String name() { return Iec104Decoder.PROTOCOL; }

    @Override public boolean supports(Transport transport) { return transport == Transport.TCP; }

    @Override public boolean isWellKnownPort(int port) { return port == PORT; }

    @Override
    public boolean matches(byte[] b, int off, int len, boolean portHint, Transport transport) {
        if (transport != Transport.TCP || b == null || off < 0 || len < 6 || off + len > b.length) return false;
        if (b[off] != 0x68) return false;
        int l = b[off + 1] & 0xFF;
        if (l < 4 || l > 253) return false;
        int c1 = b[off + 2] & 0xFF, c2 = b[off + 3] & 0xFF, c3 = b[off + 4] & 0xFF, c4 = b[off + 5] & 0xFF;
        boolean valid;
        boolean iFormat = (c1 & 1) == 0;
        if (iFormat) {
            valid = l >= 10 && (c3 & 1) == 0;
        } else if ((c1 & 3) == 1) {
            valid = l == 4 && c1 == 0x01 && c2 == 0 && (c3 & 1) == 0;
        } else {
            valid = l == 4 && c2 == 0 && c3 == 0 && c4 == 0
                    && (c1 == 0x07 || c1 == 0x0B || c1 == 0x13 || c1 == 0x23 || c1 == 0x43 || c1 == 0x83);
        }
        if (!valid) return false;
        if (iFormat && len >= 9) {
            int type = b[off + 6] & 0xFF;
            int cot = b[off + 8] & 0x3F;
            if (Iec104Types.name(type) == null || cot == 0) return false;
        }
        if (portHint) return true;
        // without the port, demand a complete APDU followed by nothing or the next APDU's start
        if (len < l + 2) return false;
        return len == l + 2 || b[off + l + 2] == 0x68;
    }

    @Override
    public ProtocolDecoder newDecoder(Session session) {
        return new Iec104Decoder(session);
    }
}
