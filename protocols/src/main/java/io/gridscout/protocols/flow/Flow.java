package io.gridscout.protocols.flow;

import io.gridscout.protocols.fact.Endpoint;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.FactSink;
import io.gridscout.protocols.fact.OperationKind;
import io.gridscout.protocols.fact.Transport;

import java.util.ArrayList;
import java.util.List;

/**
 * One TCP connection or UDP 5-tuple. Side 0 is the host that sent the first packet seen (or the SYN).
 * It is the {@link Session} its decoder sees; operation and detail counters live here and are flushed as
 * {@link Fact.Conversation} deltas, so a repeated poll costs an array increment.
 */
public final class Flow implements Session {
    static final int DETECTING = 0, DECODING = 1, IGNORED = 2;
    private static final int MAX_MALFORMED_FACTS = 10;
    private static final int MAX_TALLY = 256;

    // key (side 0 / side 1 addresses and ports) and hash chaining
    final long aHi, aLo, bHi, bLo;
    final int aPort, bPort, ipProto;
    final int hash;
    Flow hashNext;
    // activity order for idle timeout and eviction
    Flow older, newer;

    final FlowTable table;
    final Endpoint[] endpoints = new Endpoint[2];
    final Transport transport;
    final TcpStream[] streams;
    TcpStream.Consumer[] consumers;
    int serverSide = -1;
    boolean serverFromHandshake;
    int state = DETECTING;
    int detectAttempts;
    final byte[][] detectBuf = new byte[2][];   // first bytes of each direction while detecting
    final int[] detectLen = new int[2];
    ProtocolSpec spec;
    ProtocolDecoder decoder;
    boolean[] heard = new boolean[2];
    boolean finSeen0, finSeen1, closed, hadPayload;
    boolean complete;                      // the decoder said the flow has told all it will (UDP)

    long firstSeen, lastSeen, packets, bytes;
    long activeAt;                         // the table's idle clock when last touched (see FlowTable)
    int epoch;                             // and its epoch
    long tag;                              // the table's tag when last touched (see FlowTable.tag)
    long flushedPackets, flushedBytes;
    int malformedFacts;

    // operation tally: parallel arrays, linear search (a session rarely uses more than a dozen codes)
    private int opCount;
    private int[] opCodes = EMPTY_INTS;          // grown on first use: most flows never see an operation
    private String[] opNames = EMPTY_STRINGS;
    private OperationKind[] opKinds = new OperationKind[0];
    private long[] opCounts = EMPTY_LONGS;
    private int detailCount;
    private String[] detailNames = EMPTY_STRINGS;
    private String[] detailValues = EMPTY_STRINGS;
    private long[] detailCounts = EMPTY_LONGS;
    private static final int[] EMPTY_INTS = {};
    private static final long[] EMPTY_LONGS = {};
    private static final String[] EMPTY_STRINGS = {};

    Flow(FlowTable table, int hash, long aHi, long aLo, int aPort, long bHi, long bLo, int bPort, int ipProto,
         Endpoint a, Endpoint b) {
        this.table = table;
        this.hash = hash;
        this.aHi = aHi;
        this.aLo = aLo;
        this.aPort = aPort;
        this.bHi = bHi;
        this.bLo = bLo;
        this.bPort = bPort;
        this.ipProto = ipProto;
        this.endpoints[0] = a;
        this.endpoints[1] = b;
        this.transport = ipProto == 6 ? Transport.TCP : Transport.UDP;
        this.streams = ipProto == 6 ? new TcpStream[] {new TcpStream(table.limits.tcpBufferBytes()), new TcpStream(table.limits.tcpBufferBytes())} : null;
    }

    boolean matches(long sHi, long sLo, int sPort, long dHi, long dLo, int dPort, int proto) {
        return proto == ipProto && sPort == aPort && dPort == bPort && sLo == aLo && dLo == bLo && sHi == aHi && dHi == bHi;
    }

    boolean matchesReverse(long sHi, long sLo, int sPort, long dHi, long dLo, int dPort, int proto) {
        return proto == ipProto && sPort == bPort && dPort == aPort && sLo == bLo && dLo == aLo && sHi == bHi && dHi == aHi;
    }

    private String protocolName;     // set by the decoder when it knows better than the spec (ISO-on-TCP)

    public String protocolOrTransport() {
        if (protocolName != null) return protocolName;
        return spec != null ? spec.name() : transport.label();
    }

    @Override
    public void protocol(String name) {
        if (protocolName == null && name != null) protocolName = name;
    }

    public boolean isIndustrial() {
        return spec != null;
    }

    public long packets() {
        return packets;
    }

    // ---- Session ----

    @Override
    public Endpoint endpoint(int side) {
        return endpoints[side];
    }

    @Override
    public Transport transport() {
        return transport;
    }

    @Override
    public int serverSide() {
        return serverSide;
    }

    @Override
    public void serverSide(int side) {
        // the handshake is stronger evidence than framing; otherwise the first decision holds
        if (serverSide < 0 && (side == 0 || side == 1)) serverSide = side;
    }

    @Override
    public FactSink facts() {
        return table.sink;
    }

    @Override
    public void operation(int code, String name, OperationKind kind) {
        for (int i = 0; i < opCount; i++) {
            if (opCodes[i] == code && opNames[i] == name) {
                opCounts[i]++;
                return;
            }
        }
        for (int i = 0; i < opCount; i++) {      // same name built elsewhere (not a constant)
            if (opCodes[i] == code && opNames[i].equals(name)) {
                opCounts[i]++;
                return;
            }
        }
        if (opCount == MAX_TALLY) {
            table.stats.tallyOverflow++;
            return;
        }
        if (opCount == opCodes.length) {
            int n = Math.max(4, opCount * 2);
            opCodes = java.util.Arrays.copyOf(opCodes, n);
            opNames = java.util.Arrays.copyOf(opNames, n);
            opKinds = java.util.Arrays.copyOf(opKinds, n);
            opCounts = java.util.Arrays.copyOf(opCounts, n);
        }
        opCodes[opCount] = code;
        opNames[opCount] = name;
        opKinds[opCount] = kind;
        opCounts[opCount] = 1;
        opCount++;
    }

    @Override
    public void complete() {
        complete = true;
    }

    @Override
    public void detail(String name, String value) {
        for (int i = 0; i < detailCount; i++) {     // decoders pass constants: identity first, as operation() does
            if (detailNames[i] == name && detailValues[i] == value) {
                detailCounts[i]++;
                return;
            }
        }
        for (int i = 0; i < detailCount; i++) {
            if (detailNames[i].equals(name) && detailValues[i].equals(value)) {
                detailCounts[i]++;
                return;
            }
        }
        if (detailCount == MAX_TALLY) {
            table.stats.tallyOverflow++;
            return;
        }
        if (detailCount == detailNames.length) {
            int n = Math.max(4, detailCount * 2);
            detailNames = java.util.Arrays.copyOf(detailNames, n);
            detailValues = java.util.Arrays.copyOf(detailValues, n);
            detailCounts = java.util.Arrays.copyOf(detailCounts, n);
        }
        detailNames[detailCount] = name;
        detailValues[detailCount] = value;
        detailCounts[detailCount] = 1;
        detailCount++;
    }

    @Override
    public void malformed(int side, String reason) {
        table.stats.malformed(protocolOrTransport());
        if (malformedFacts < MAX_MALFORMED_FACTS) {
            malformedFacts++;
            table.sink.accept(new Fact.Malformed(lastSeen, endpoints[side == 1 ? 1 : 0], protocolOrTransport(), reason));
        }
    }

    @Override
    public String protocol() {
        return protocolOrTransport();
    }

    /** Which side serves, with weaker fallbacks when neither the handshake nor the decoder said. */
    int resolvedServerSide() {
        if (serverSide >= 0) return serverSide;
        if (spec != null) {
            boolean a = spec.isWellKnownPort(aPort), b = spec.isWellKnownPort(bPort);
            if (b && !a) return 1;
            if (a && !b) return 0;
        }
        // no handshake, no protocol: a registered port (< 1024) against an ephemeral one, else the first sender is the client
        if (aPort < 1024 && bPort >= 1024) return 0;
        return 1;
    }

    /** Emits the counters accumulated since the last flush as one Conversation fact (nothing if idle). */
    void flush(FactSink sink) {
        long p = packets - flushedPackets, by = bytes - flushedBytes;
        if (p == 0 && opCount == 0 && detailCount == 0) return;
        int s = resolvedServerSide();
        List<Fact.OperationCount> ops = List.of();
        if (opCount > 0) {
            ops = new ArrayList<>(opCount);
            for (int i = 0; i < opCount; i++) ops.add(new Fact.OperationCount(opCodes[i], opNames[i], opKinds[i], opCounts[i]));
        }
        List<Fact.Detail> details = List.of();
        if (detailCount > 0) {
            details = new ArrayList<>(detailCount);
            for (int i = 0; i < detailCount; i++) details.add(new Fact.Detail(detailNames[i], detailValues[i], detailCounts[i]));
        }
        sink.accept(new Fact.Conversation(lastSeen, firstSeen, endpoints[1 - s], endpoints[s], protocolOrTransport(), transport,
                p, by, ops, details));
        flushedPackets = packets;
        flushedBytes = bytes;
        opCount = 0;
        detailCount = 0;
    }
}
