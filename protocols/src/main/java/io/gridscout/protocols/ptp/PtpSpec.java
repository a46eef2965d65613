package io.gridscout.protocols.ptp;

import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.ProtocolDecoder;
import io.gridscout.protocols.flow.ProtocolSpec;
import io.gridscout.protocols.flow.Session;
import io.gridscout.protocols.util.LongSet;

/** PTP over UDP 319 (event) and 320 (general): port required, with a PTPv2 header. One instance per pipeline. */
public final class PtpSpec implements ProtocolSpec {
    private final LongSet sent = new LongSet(PtpProtocol.MAX_SENT);

    @Override
    public String name() {
        return PtpMessages.PROTOCOL;
    }

    @Override
    public boolean supports(Transport transport) {
        return transport == Transport.UDP;
    }

    @Override
    public boolean isWellKnownPort(int port) {
        return port == 319 || port == 320;
    }

    @Override
    public boolean matches(byte[] b, int off, int len, boolean portHint, Transport transport) {
        return portHint && PtpMessages.looksLikePtp(b, off, len);
    }

    @Override
    public ProtocolDecoder newDecoder(Session session) {
        PtpMessages m = new PtpMessages(session.facts(), sent);
        return (side, b, off, len, t) -> {
            if (!m.message(session.endpoint(side), session.transport(), b, off, len, t)) session.malformed(side, "bad PTP message");
        };
    }
}
