package io.gridscout.protocols.dnp3;

import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.ProtocolDecoder;
import io.gridscout.protocols.flow.ProtocolSpec;
import io.gridscout.protocols.flow.Session;

/**
 * DNP3 (IEEE 1815) over TCP or UDP. Recognised by content on any port: the 0x05 0x64 start bytes, a sane
 * length and a valid header CRC (a 2^-16 false positive rate on top of the start bytes); 20000 is only a hint.
 */
public final class Dnp3Spec implements ProtocolSpec {
    public static final String NAME = "dnp3";
    public static final int PORT = 20000;

    @Override public String name() { return NAME; }

    @Override public boolean supports(Transport transport) { return transport == Transport.TCP || transport == Transport.UDP; }

    @Override public boolean isWellKnownPort(int port) { return port == PORT; }

    @Override
    public boolean matches(byte[] buf, int off, int len, boolean portHint, Transport transport) {
        if (buf == null || off < 0 || len < Dnp3Link.HEADER_LEN || off > buf.length - Dnp3Link.HEADER_LEN) return false;
        return Dnp3Link.validHeader(buf, off);
    }

    @Override public ProtocolDecoder newDecoder(Session session) { return new Dnp3Decoder(session); }
}
