package io.gridscout.protocols.flow;

import io.gridscout.protocols.fact.Endpoint;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.FactSink;
import io.gridscout.protocols.fact.IpAddr;
import io.gridscout.protocols.fact.OperationKind;
import io.gridscout.protocols.fact.Transport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A real in-memory session for decoder unit tests: records every fact and counter it is given. */
public class RecordingSession implements Session {
    public final List<Fact> facts = new ArrayList<>();
    public final Map<String, Long> operations = new LinkedHashMap<>();
    public final Map<String, Long> details = new LinkedHashMap<>();
    public final List<String> malformed = new ArrayList<>();
    private final Endpoint[] endpoints;
    private final Transport transport;
    private final String protocol;
    private int serverSide = -1;

    public RecordingSession(String protocol, Transport transport, Endpoint side0, Endpoint side1) {
        this.protocol = protocol;
        this.transport = transport;
        this.endpoints = new Endpoint[] {side0, side1};
    }

    /** side 0 = 10.0.0.1:40000 (client), side 1 = 10.0.0.2:port (server). */
    public static RecordingSession tcp(String protocol, int serverPort) {
        return new RecordingSession(protocol, Transport.TCP,
                new Endpoint(0x0000_0000_0001L, IpAddr.parse("10.0.0.1"), 40000),
                new Endpoint(0x0000_0000_0002L, IpAddr.parse("10.0.0.2"), serverPort));
    }

    @Override public Endpoint endpoint(int side) { return endpoints[side]; }
    @Override public Transport transport() { return transport; }
    @Override public int serverSide() { return serverSide; }
    @Override public void serverSide(int side) { if (serverSide < 0) serverSide = side; }
    @Override public FactSink facts() { return facts::add; }
    @Override public void operation(int code, String name, OperationKind kind) {
        operations.merge(code + " " + name + " " + kind.label(), 1L, Long::sum);
    }
    @Override public void detail(String name, String value) { details.merge(name + "=" + value, 1L, Long::sum); }
    @Override public void malformed(int side, String reason) { malformed.add(reason); }
    public String namedProtocol;
    @Override public String protocol() { return namedProtocol != null ? namedProtocol : protocol; }
    @Override public void protocol(String name) { if (namedProtocol == null) namedProtocol = name; }

    public <T extends Fact> List<T> factsOf(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (Fact f : facts) if (type.isInstance(f)) out.add(type.cast(f));
        return out;
    }
}
