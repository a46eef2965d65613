package io.gridscout.protocols.ntp;

import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.ProtocolDecoder;
import io.gridscout.protocols.flow.ProtocolSpec;
import io.gridscout.protocols.flow.Session;

/**
 * NTP over UDP 123. An NTP header has too little structure to be recognised anywhere, so port 123 is required
 * together with a sane first byte (version 1-4, a known mode) and length.
 */
public final class NtpSpec implements ProtocolSpec {
    @Override
    public String name() {
        return NtpDecoder.PROTOCOL;
    }

    @Override
    public boolean supports(Transport transport) {
        return transport == Transport.UDP;
    }

    @Override
    public boolean isWellKnownPort(int port) {
        return port == 123;
    }

    @Override
    public boolean matches(byte[] b, int off, int len, boolean portHint, Transport transport) {
        if (!portHint || len < 1) return false;
        int vn = (b[off] >>> 3) & 7, mode = b[off] & 7;
        if (vn < 1 || vn > 4) return false;
        return switch (mode) {
            case 1, 2, 3, 4, 5 -> len >= 48 && (mode != 4 || (b[off + 1] & 0xFF) <= 16);
            case 6 -> len >= 12;
            case 7 -> len >= 8;
            default -> false;
        };
    }

    @Override
    public ProtocolDecoder newDecoder(Session session) {
        return new NtpDecoder(session);
    }
}
