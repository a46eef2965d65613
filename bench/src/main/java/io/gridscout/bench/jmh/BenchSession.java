package io.gridscout.bench.jmh;

import io.gridscout.protocols.fact.Endpoint;
import io.gridscout.protocols.fact.FactSink;
import io.gridscout.protocols.fact.IpAddr;
import io.gridscout.protocols.fact.OperationKind;
import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.Session;

/** A session that counts what a decoder reports and keeps nothing: the decoder's cost alone is measured. */
final class BenchSession implements Session {
    private final Endpoint[] ends;
    private int server = 1;
    long facts, operations, details, malformed;
    private final FactSink sink = f -> facts++;

    BenchSession(int port) {
        ends = new Endpoint[] {new Endpoint(0x020000000001L, IpAddr.v4(0x0A000001), 40000),
                new Endpoint(0x020000000002L, IpAddr.v4(0x0A000002), port)};
    }

    @Override public Endpoint endpoint(int side) { return ends[side]; }
    @Override public Transport transport() { return Transport.TCP; }
    @Override public int serverSide() { return server; }
    @Override public void serverSide(int side) { server = side; }
    @Override public FactSink facts() { return sink; }
    @Override public void operation(int code, String name, OperationKind kind) { operations++; }
    @Override public void detail(String name, String value) { details++; }
    @Override public void malformed(int side, String reason) { malformed++; }
    @Override public String protocol() { return "bench"; }
}
