package io.gridscout.protocols.names;

import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.ProtocolDecoder;
import io.gridscout.protocols.flow.ProtocolSpec;
import io.gridscout.protocols.flow.Session;
import io.gridscout.protocols.util.LongSet;

/**
 * Name services over UDP: DNS (53), mDNS (5353) and NetBIOS name service (137). Their headers have too little
 * structure to be recognised off their ports, so the port is required with a sane header. One instance per
 * pipeline: it owns the bounded set that makes each (address, name) an Identity fact once.
 */
public final class NameServiceSpec implements ProtocolSpec {
    public static final int MAX_NAMES = 65_536;
    private final String name;
    private final int port;
    private static final int MAX_PER_SESSION = 256;
    private final LongSet seen = new LongSet(MAX_NAMES);

    private NameServiceSpec(String name, int port) {
        this.name = name;
        this.port = port;
    }

    public static NameServiceSpec dns() {
        return new NameServiceSpec("dns", 53);
    }

    public static NameServiceSpec mdns() {
        return new NameServiceSpec("mdns", 5353);
    }

    public static NameServiceSpec netbios() {
        return new NameServiceSpec("netbios", 137);
    }

    /** (address, name) pairs not reported because the set was full. */
    public long dropped() {
        return seen.refused();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean supports(Transport transport) {
        return transport == Transport.UDP;
    }

    @Override
    public boolean isWellKnownPort(int p) {
        return p == port;
    }

    @Override
    public boolean matches(byte[] b, int off, int len, boolean portHint, Transport transport) {
        if (!portHint || len < 12) return false;
        int qd = DnsWire.u16(b, off + 4), an = DnsWire.u16(b, off + 6), ns = DnsWire.u16(b, off + 8), ar = DnsWire.u16(b, off + 10);
        int opcode = (b[off + 2] >> 3) & 0xF;
        if (port == 137) return qd <= 1 && an <= 1 && ns <= 1 && ar <= 1 && (opcode == 0 || opcode >= 5);
        return opcode <= 5 && qd + an + ns + ar > 0 && qd + an + ns + ar <= 512;
    }

    @Override
    public ProtocolDecoder newDecoder(Session session) {
        // names are remembered per session, not per pipeline: the facts then do not depend on how flows are
        // spread over pipelines (analyze --workers), and a long-lived resolver still reports each name once
        LongSet perSession = new LongSet(MAX_PER_SESSION);
        return port == 137 ? new NetbiosDecoder(session, perSession) : new DnsDecoder(session, port == 5353, perSession);
    }
}
