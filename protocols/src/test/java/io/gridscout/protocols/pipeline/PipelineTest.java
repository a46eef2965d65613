package io.gridscout.protocols.pipeline;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.FlowTable;
import io.gridscout.protocols.flow.ProtocolDecoder;
import io.gridscout.protocols.flow.ProtocolSpec;
import io.gridscout.protocols.flow.Session;
import io.gridscout.protocols.modbus.ModbusSpec;
import io.gridscout.protocols.net.FrameDecoder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.gridscout.protocols.testutil.Frames.*;
import static org.assertj.core.api.Assertions.assertThat;

class PipelineTest {
    static final byte[] REQ = hex("000a00000006010300100002"), RSP = hex("000a0000000701030400640065");
    static final long SEC = 1_000_000_000L;

    /** A real spec whose decoder throws on every byte: the pipeline must contain and count it. */
    static final class ThrowingSpec implements ProtocolSpec {
        @Override public String name() { return "thrower"; }
        @Override public boolean supports(Transport t) { return t == Transport.TCP; }
        @Override public boolean isWellKnownPort(int port) { return port == 7777; }
        @Override public boolean matches(byte[] b, int off, int len, boolean hint, Transport t) { return hint; }
        @Override public ProtocolDecoder newDecoder(Session s) {
            return (side, buf, off, len, t) -> { throw new IllegalStateException("boom " + buf[off + len]); };
        }
    }

    final List<Fact> facts = new ArrayList<>();

    Pipeline pipeline(FlowTable.Limits limits) {
        return new Pipeline(facts::add, List.of(new ModbusSpec(), new ThrowingSpec()), List.of(), limits);
    }

    Pipeline pipeline() {
        return pipeline(FlowTable.Limits.defaults());
    }

    static void feed(Pipeline p, byte[] f, long t) {
        p.frame(FrameDecoder.LINK_ETHERNET, f, 0, f.length, f.length, t);
    }

    /** Handshake, one Modbus poll, FIN both ways; client 10.0.0.1:port -> 10.0.0.2:serverPort. */
    static void modbusSession(Pipeline p, int port, int serverPort, int isn, long t) {
        feed(p, tcpFrame("10.0.0.1", port, "10.0.0.2", serverPort, isn, 0, SYN, new byte[0]), t);
        feed(p, tcpFrame("10.0.0.2", serverPort, "10.0.0.1", port, 5000, isn + 1, SYN | ACK, new byte[0]), t);
        feed(p, tcpFrame("10.0.0.1", port, "10.0.0.2", serverPort, isn + 1, 5001, ACK | PSH, REQ), t);
        feed(p, tcpFrame("10.0.0.2", serverPort, "10.0.0.1", port, 5001, isn + 1 + REQ.length, ACK | PSH, RSP), t);
        feed(p, tcpFrame("10.0.0.1", port, "10.0.0.2", serverPort, isn + 1 + REQ.length, 5001 + RSP.length, ACK | FIN, new byte[0]), t);
        feed(p, tcpFrame("10.0.0.2", serverPort, "10.0.0.1", port, 5001 + RSP.length, isn + 2 + REQ.length, ACK | FIN, new byte[0]), t);
    }

    List<Fact.Conversation> conversations() {
        List<Fact.Conversation> out = new ArrayList<>();
        for (Fact f : facts) if (f instanceof Fact.Conversation c) out.add(c);
        return out;
    }

    /** The last-line guard: an exception below the decoders (here from the fact sink) costs a frame, not the run. */
    @Test
    void flowLayerExceptionCostsOneFrameNotThePipeline() {
        int[] hosts = {0};
        Pipeline p = new Pipeline(f -> {
            if (f instanceof Fact.HostSeen && hosts[0]++ == 0) throw new IllegalStateException("sink bug");
            facts.add(f);
        }, List.of(new ModbusSpec()), List.of(), FlowTable.Limits.defaults());
        modbusSession(p, 40000, 502, 100, SEC);
        p.finish();
        assertThat(p.stats().internalErrors).isEqualTo(1);
        assertThat(p.stats().flows().decoderErrors).as("shown with the guard's other errors").isEqualTo(1);
        assertThat(p.stats().packets).isEqualTo(6);
        assertThat(conversations()).singleElement().satisfies(c -> assertThat(c.protocol()).isEqualTo("modbus"));
    }

    @Test
    void handshakeDecidesServerAndConversationIsRight() {
        Pipeline p = pipeline();
        modbusSession(p, 40000, 1502, 100, SEC);   // not on 502: content detection, SYN decides the server
        p.finish();
        assertThat(p.stats().flows().flowsClosed).isEqualTo(1);
        assertThat(conversations()).singleElement().satisfies(c -> {
            assertThat(c.protocol()).isEqualTo("modbus");
            assertThat(c.client().port()).isEqualTo(40000);
            assertThat(c.server().port()).isEqualTo(1502);
            assertThat(c.packets()).isEqualTo(6);
            assertThat(c.bytes()).isEqualTo(6 * 54 + REQ.length + RSP.length);
            assertThat(c.operations()).singleElement().satisfies(o -> {
                assertThat(o.name()).isEqualTo("read_holding_registers");
                assertThat(o.count()).isEqualTo(1);
            });
        });
        assertThat(facts).anyMatch(f -> f instanceof Fact.Service s && s.protocol().equals("modbus") && s.role().equals("server") && s.endpoint().port() == 1502);
    }

    /** Data on a SYN (TCP Fast Open) starts at seq + 1: its first byte was dropped as a retransmission. */
    @Test
    void dataOnSynIsDeliveredWhole() {
        Pipeline p = pipeline();
        feed(p, tcpFrame("10.0.0.1", 40030, "10.0.0.2", 502, 100, 0, SYN, REQ), SEC);
        feed(p, tcpFrame("10.0.0.2", 502, "10.0.0.1", 40030, 5000, 101 + REQ.length, SYN | ACK, new byte[0]), SEC);
        feed(p, tcpFrame("10.0.0.2", 502, "10.0.0.1", 40030, 5001, 101 + REQ.length, ACK | PSH, RSP), SEC);
        p.finish();
        assertThat(facts).noneMatch(f -> f instanceof Fact.Malformed);
        // the register range is only known from the request itself
        assertThat(conversations()).singleElement().satisfies(c -> assertThat(c.details())
                .anyMatch(d -> d.name().equals("registersRead") && d.value().equals("unit 1 holding_registers 16-17")));
    }

    @Test
    void midStreamSessionServerFromProtocol() {
        Pipeline p = pipeline();
        // first packet seen is the server's response (side 0 = server), then a request
        feed(p, tcpFrame("10.0.0.2", 502, "10.0.0.1", 40001, 9000, 100, ACK | PSH, RSP), SEC);
        feed(p, tcpFrame("10.0.0.1", 40001, "10.0.0.2", 502, 100, 9000 + RSP.length, ACK | PSH, REQ), SEC);
        p.finish();
        assertThat(conversations()).singleElement().satisfies(c -> {
            assertThat(c.server().port()).isEqualTo(502);
            assertThat(c.client().port()).isEqualTo(40001);
        });
    }

    @Test
    void idleTimeoutRstAndPortReuse() {
        Pipeline p = pipeline();
        modbusSession(p, 40002, 502, 100, SEC);
        modbusSession(p, 40002, 502, 900_000, 2 * SEC);    // same 5-tuple after close: a new connection
        assertThat(p.stats().flows().flowsCreated).isEqualTo(2);
        assertThat(conversations()).hasSize(1);               // the first one was finished when the port was reused
        feed(p, tcpFrame("10.0.0.1", 40003, "10.0.0.2", 502, 1, 0, SYN, new byte[0]), 3 * SEC);
        feed(p, tcpFrame("10.0.0.1", 40003, "10.0.0.2", 502, 2, 0, RST, new byte[0]), 3 * SEC);
        assertThat(p.stats().flows().flowsClosed).isEqualTo(3);
        feed(p, udpFrame("10.0.0.5", 1, "10.0.0.6", 2, new byte[] {1}), 500 * SEC);   // everything else is idle now
        assertThat(p.stats().flows().flowsExpired).isEqualTo(2);   // the first left at port reuse
        assertThat(p.flows().size()).isEqualTo(1);
    }

    /**
     * Idleness runs on the capture's clock (latest time seen): a flow heard at a time before the clock is as
     * recent as the clock. Before, the sweep stopped at the first non-idle flow in activity order, so a flow behind
     * one heard "earlier" stayed open while a table holding it alone closed it: sharded tables disagreed.
     */
    @Test
    void idleFlowsCloseOnTheCaptureClockWhateverTheOtherFlows() {
        byte[] a = udpFrame("10.0.0.1", 1000, "10.0.0.2", 2000, new byte[] {1});
        byte[] b = udpFrame("10.0.0.3", 1000, "10.0.0.4", 2000, new byte[] {1});
        byte[] tick = udpFrame("10.0.0.9", 9, "10.0.0.9", 10, new byte[] {1});
        long[] times = {100 * SEC, 50 * SEC, 200 * SEC, 221 * SEC};   // b arrives from a lagging interface
        List<Long> both = new ArrayList<>(), onlyA = new ArrayList<>(), onlyB = new ArrayList<>();
        Pipeline all = new Pipeline(f -> record(f, both), List.of(), List.of(), FlowTable.Limits.defaults());
        Pipeline pa = new Pipeline(f -> record(f, onlyA), List.of(), List.of(), FlowTable.Limits.defaults());
        Pipeline pb = new Pipeline(f -> record(f, onlyB), List.of(), List.of(), FlowTable.Limits.defaults());
        feed(all, a, times[0]); feed(pa, a, times[0]); pb.flows().advance(times[0]);
        feed(all, b, times[1]); feed(pb, b, times[1]); pa.flows().advance(times[1]);
        for (int i = 2; i < times.length; i++) {
            feed(all, tick, times[i]);
            pa.flows().advance(times[i]);
            pb.flows().advance(times[i]);
            if (i == 2) {   // b was heard when the clock said 100 s: not idle at 200 s, in either table
                assertThat(both).isEmpty();
                assertThat(onlyB).isEmpty();
            }
        }
        assertThat(onlyA).containsExactly(100 * SEC);
        assertThat(onlyB).containsExactly(50 * SEC);
        assertThat(both).containsExactly(100 * SEC, 50 * SEC);   // both idle at 221 s, least recently active first
    }

    /**
     * A frame further back than the idle timeout (captures concatenated, a clock set wrong) is a discontinuity:
     * the flows open before it close there, so the same 5-tuple afterwards is a new conversation whose TCP stream
     * starts afresh, rather than a stream thrown off by sequence numbers from another day.
     */
    @Test
    void aStepBackInTimeClosesEveryOpenFlow() {
        Pipeline p = pipeline();
        feed(p, tcpFrame("10.0.0.1", 40030, "10.0.0.2", 502, 1, 0, ACK | PSH, REQ), 10_000 * SEC);
        feed(p, udpFrame("10.0.0.5", 1, "10.0.0.6", 2, new byte[] {1}), 10_001 * SEC);
        assertThat(p.flows().size()).isEqualTo(2);
        feed(p, tcpFrame("10.0.0.1", 40030, "10.0.0.2", 502, 1, 0, ACK | PSH, REQ), 3_000 * SEC);   // hours before
        assertThat(p.stats().flows().flowsExpired).isEqualTo(2);
        assertThat(p.stats().flows().flowsCreated).isEqualTo(3);
        assertThat(facts.stream().filter(f -> f instanceof Fact.Conversation).count()).isEqualTo(2);
        feed(p, udpFrame("10.0.0.5", 1, "10.0.0.6", 2, new byte[] {1}), 3_010 * SEC);   // the clock runs on from there
        assertThat(p.stats().flows().flowsExpired).isEqualTo(2);
        assertThat(p.flows().size()).isEqualTo(2);
    }

    private static void record(Fact f, List<Long> closes) {
        if (f instanceof Fact.Conversation c) closes.add(c.time());
    }

    @Test
    void throwingDecoderIsContainedAndCounted() {
        Pipeline p = pipeline();
        for (int i = 0; i < 3; i++) {
            feed(p, tcpFrame("10.0.0.1", 40010, "10.0.0.2", 7777, 1 + 4 * i, 0, ACK | PSH, hex("01020304")), SEC);
        }
        assertThat(p.stats().flows().decoderErrors).isEqualTo(3);
        assertThat(facts).anyMatch(f -> f instanceof Fact.Malformed m && m.protocol().equals("thrower")
                && m.reason().equals("decoder error ArrayIndexOutOfBoundsException"));
    }

    @Test
    void flowCapEvictsNonIndustrialFirst() {
        Pipeline p = pipeline(new FlowTable.Limits(10, 120 * SEC, 64 * 1024, 8));
        feed(p, tcpFrame("10.0.0.1", 40020, "10.0.0.2", 502, 1, 0, ACK | PSH, REQ), SEC);   // industrial, oldest
        for (int i = 0; i < 50; i++) feed(p, udpFrame("10.0.1.1", 1000 + i, "10.0.1.2", 53, new byte[] {1, 2, 3}), SEC + i);
        assertThat(p.flows().size()).isEqualTo(10);
        assertThat(p.stats().flows().flowsEvicted).isEqualTo(41);
        feed(p, tcpFrame("10.0.0.2", 502, "10.0.0.1", 40020, 1, 1 + REQ.length, ACK | PSH, RSP), 2 * SEC);
        assertThat(p.stats().flows().flowsCreated).isEqualTo(51);   // the Modbus flow survived
    }

    @Test
    void synFloodOfAMillionTuplesStaysBounded() {
        int max = 5000;
        long[] counts = new long[1];
        Pipeline p = new Pipeline(f -> counts[0]++, List.of(new ModbusSpec()), List.of(), new FlowTable.Limits(max, 120 * SEC, 64 * 1024, 8));
        byte[] frame = tcpFrame("10.0.0.1", 1, "10.1.0.1", 502, 1, 0, SYN, new byte[0]);   // reused buffer
        for (int i = 0; i < 1_000_000; i++) {
            frame[14 + 12 + 2] = (byte) (i >>> 8);          // source IP low bytes
            frame[14 + 12 + 3] = (byte) i;
            frame[14 + 20] = (byte) (i >>> 16);             // source port high byte
            p.frame(FrameDecoder.LINK_ETHERNET, frame, 0, frame.length, frame.length, SEC + i);
            if ((i & 0xFFFF) == 0) assertThat(p.flows().size()).isLessThanOrEqualTo(max);
        }
        assertThat(p.flows().size()).isEqualTo(max);
        assertThat(p.stats().flows().flowsCreated).isEqualTo(1_000_000);
        assertThat(p.stats().flows().flowsEvicted).isEqualTo(1_000_000 - max);
    }

    @FuzzTest(maxDuration = "10s")
    void fuzz(byte[] data) {
        Pipeline p = new Pipeline(f -> { }, List.of(new ModbusSpec(), new ThrowingSpec()), List.of(),
                new FlowTable.Limits(64, 10 * SEC, 4096, 4));
        // frames: [len] then len bytes; a few bytes of one frame differ so flows and streams interact
        int q = 0;
        long t = SEC;
        while (q < data.length) {
            int len = Math.min(data[q] & 0xFF, data.length - q - 1);
            p.frame(FrameDecoder.LINK_ETHERNET, data, q + 1, len, len, t += 1000);
            q += 1 + len;
        }
        p.finish();
        assertThat(p.flows().size()).isZero();
        assertThat(p.stats().internalErrors).as("exceptions of the flow layer (caught, but bugs)").isZero();
    }
}
