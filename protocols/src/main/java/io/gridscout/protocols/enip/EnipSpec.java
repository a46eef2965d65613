package io.gridscout.protocols.enip;

import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.ProtocolDecoder;
import io.gridscout.protocols.flow.ProtocolSpec;
import io.gridscout.protocols.flow.Session;

/** EtherNet/IP encapsulation (TCP/UDP 44818) carrying CIP, and CIP class 0/1 I/O datagrams (UDP 2222). */
public final class EnipSpec implements ProtocolSpec {
    @Override public String name() { return "enip"; }

    @Override public boolean supports(Transport transport) { return transport == Transport.TCP || transport == Transport.UDP; }

    @Override public boolean isWellKnownPort(int port) { return port == 44818 || port == 2222; }

    @Override
    public boolean matches(byte[] buf, int off, int len, boolean portHint, Transport transport) {
        if (buf == null || off < 0 || len < 0 || off + len > buf.length) return false;
        if (EnipDecoder.isEncapsulation(buf, off, len)) {
            int declared = EnipDecoder.u16(buf, off + 2);
            return transport == Transport.UDP ? declared + 24 == len : declared + 24 <= len || portHint;
        }
        return portHint && transport == Transport.UDP && EnipDecoder.isIoDatagram(buf, off, len);
    }

    @Override public ProtocolDecoder newDecoder(Session session) { return new EnipDecoder(session); }
}
