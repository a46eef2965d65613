package io.gridscout.protocols.goose;

import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.ProtocolDecoder;
import io.gridscout.protocols.flow.ProtocolSpec;
import io.gridscout.protocols.flow.Session;

/**
 * Routable GOOSE / Sampled Values (IEC 61850-90-5) over UDP, port 102: a CLTP unit-data TPDU (LI 01, code 0x40)
 * followed by the session header (session identifier 0xA0-0xA3, length, common header 0x80). Recognised by that
 * fixed structure, whatever the port.
 */
public final class RGooseSpec implements ProtocolSpec {
    @Override public String name() { return "rgoose"; }

    @Override public boolean supports(Transport transport) { return transport == Transport.UDP; }

    @Override public boolean isWellKnownPort(int port) { return port == 102; }

    @Override
    public boolean matches(byte[] buf, int off, int len, boolean portHint, Transport transport) {
        if (buf == null || off < 0 || len < RGooseDecoder.MIN_LEN || off + len > buf.length || transport != Transport.UDP) return false;
        int si = buf[off + 2] & 0xFF;
        return buf[off] == 0x01 && (buf[off + 1] & 0xFF) == 0x40 && si >= 0xA0 && si <= 0xA3
                && (buf[off + 4] & 0xFF) == 0x80 && (buf[off + 3] & 0xFF) == (buf[off + 5] & 0xFF) + 2
                && (buf[off + 5] & 0xFF) >= RGooseDecoder.COMMON_MIN;
    }

    @Override public ProtocolDecoder newDecoder(Session session) { return new RGooseDecoder(session); }
}
