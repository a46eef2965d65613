package io.gridscout.protocols.c1222;

import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.ProtocolDecoder;
import io.gridscout.protocols.flow.ProtocolSpec;
import io.gridscout.protocols.flow.Session;
import io.gridscout.protocols.util.Ber;

/**
 * ANSI C12.22 over TCP/UDP 1153: an ACSE PDU (0x60) whose elements are C12.22 ones. Off port 1153 the BER
 * length must match the payload and a user-information element (0xBE, the EPSEM) must be present.
 */
public final class C1222Spec implements ProtocolSpec {
    @Override
    public String name() {
        return C1222Decoder.PROTOCOL;
    }

    @Override
    public boolean supports(Transport transport) {
        return transport == Transport.TCP || transport == Transport.UDP;
    }

    @Override
    public boolean isWellKnownPort(int port) {
        return port == 1153;
    }

    @Override
    public boolean matches(byte[] b, int off, int len, boolean portHint, Transport transport) {
        if (len < 4 || (b[off] & 0xFF) != 0x60) return false;
        Ber ber = new Ber();
        int end = off + len;
        if (!ber.read(b, off, end) || ber.indefinite) return portHint && len >= 4 && (b[off + 1] & 0xFF) != 0x80;
        if (!portHint && ber.end() != end) return false;
        if (ber.valueLen == 0) return false;
        int first = b[ber.valueOff] & 0xFF;
        if (first != 0xA1 && first != 0xA2 && first != 0xA4 && first != 0xA6 && first != 0xBE) return false;
        return portHint || ber.find(b, ber.valueOff, ber.end(), 0xBE);
    }

    @Override
    public ProtocolDecoder newDecoder(Session session) {
        return new C1222Decoder(session);
    }
}
