package io.gridscout.protocols.ptp;

import io.gridscout.protocols.fact.Endpoint;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.FactSink;
import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.EtherTypeProtocol;
import io.gridscout.protocols.util.LongSet;

/** PTP straight over Ethernet (EtherType 0x88F7, IEEE 1588 annex F, the power profile IEC 61850-9-3). */
public final class PtpProtocol implements EtherTypeProtocol {
    static final int MAX_SENT = 16_384;

    @Override
    public String name() {
        return PtpMessages.PROTOCOL;
    }

    @Override
    public boolean handles(int etherType) {
        return etherType == 0x88F7;
    }

    @Override
    public EtherTypeDecoder newDecoder(FactSink sink) {
        PtpMessages m = new PtpMessages(sink, new LongSet(MAX_SENT));
        return (et, src, dst, vlan, b, off, len, t) -> {
            Endpoint ep = new Endpoint(src, null, 0);
            if (!m.message(ep, Transport.ETHERNET, b, off, len, t)) sink.accept(new Fact.Malformed(t, ep, PtpMessages.PROTOCOL, "bad PTP message"));
        };
    }
}
