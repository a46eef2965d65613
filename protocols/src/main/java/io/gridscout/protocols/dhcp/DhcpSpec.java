package io.gridscout.protocols.dhcp;

import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.ProtocolDecoder;
import io.gridscout.protocols.flow.ProtocolSpec;
import io.gridscout.protocols.flow.Session;

/** DHCP / BOOTP over UDP: recognised by the BOOTP fixed header and the DHCP magic cookie, ports 67/68 a hint. */
public final class DhcpSpec implements ProtocolSpec {
    @Override
    public String name() {
        return DhcpDecoder.PROTOCOL;
    }

    @Override
    public boolean supports(Transport transport) {
        return transport == Transport.UDP;
    }

    @Override
    public boolean isWellKnownPort(int port) {
        return port == 67 || port == 68;
    }

    @Override
    public boolean matches(byte[] b, int off, int len, boolean portHint, Transport transport) {
        return DhcpDecoder.looksLikeDhcp(b, off, len);
    }

    @Override
    public ProtocolDecoder newDecoder(Session session) {
        return new DhcpDecoder(session);
    }
}
