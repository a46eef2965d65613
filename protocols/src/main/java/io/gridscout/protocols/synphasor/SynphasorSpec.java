package io.gridscout.protocols.synphasor;

import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.ProtocolDecoder;
import io.gridscout.protocols.flow.ProtocolSpec;
import io.gridscout.protocols.flow.Session;

/** IEEE C37.118.2 synchrophasor stream (TCP/UDP 4712 commands+data, UDP 4713 data). */
public final class SynphasorSpec implements ProtocolSpec {
    @Override public String name() { return "synphasor"; }

    @Override public boolean supports(Transport transport) { return transport == Transport.TCP || transport == Transport.UDP; }

    @Override public boolean isWellKnownPort(int port) { return port == 4712 || port == 4713; }

    /** SYNC 0xAA + known frame type/version and a plausible FRAMESIZE; with a whole frame the CRC must match. */
    @Override
    public boolean matches(byte[] buf, int off, int len, boolean portHint, Transport transport) {
        if (buf == null || off < 0 || len < 4 || off + len > buf.length) return false;
        if ((buf[off] & 0xFF) != 0xAA) return false;
        int type = (buf[off + 1] >> 4) & 0x07, version = buf[off + 1] & 0x0F;
        if ((buf[off + 1] & 0x80) != 0 || type > 5 || version < 1 || version > 3) return false;
        int size = ((buf[off + 2] & 0xFF) << 8) | (buf[off + 3] & 0xFF);
        if (size < SynphasorDecoder.MIN_FRAME) return false;
        if (size <= len) return SynphasorDecoder.crcOk(buf, off, size);
        return portHint;
    }

    @Override public ProtocolDecoder newDecoder(Session session) { return new SynphasorDecoder(session); }
}
