package io.gridscout.bench;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gridscout.mapping.inventory.InventoryBuilder;
import io.gridscout.protocols.Protocols;
import io.gridscout.protocols.capture.LinkTypes;
import io.gridscout.protocols.flow.FlowTable;
import io.gridscout.protocols.pipeline.Pipeline;

/**
 * The whole packet path under fuzzing: frame decoder (every link type), IPv4 defragmentation, flow table, TCP
 * reassembly, every registered decoder and the inventory builder. Must not throw.
 */
class PipelineFuzzTest {
    private static final int[] LINK_TYPES = {LinkTypes.ETHERNET, 113, 276, 101, 0, 147};
    /** Small tables: a fresh pipeline per input must not allocate the default 100k-flow hash table each time. */
    private static final FlowTable.Limits LIMITS = new FlowTable.Limits(256, FlowTable.Limits.defaults().idleTimeoutNanos(),
            FlowTable.Limits.defaults().tcpBufferBytes(), FlowTable.Limits.defaults().detectAttempts());

    /** Arbitrary frames of arbitrary link types. */
    @FuzzTest(maxDuration = "10s")
    void frames(FuzzedDataProvider in) {
        InventoryBuilder inv = new InventoryBuilder(new InventoryBuilder.Limits(512, 1024, 16, 4));
        Pipeline p = new Pipeline(inv, Protocols.ipProtocols(), Protocols.etherTypeProtocols(), LIMITS);
        long t = 1;
        while (in.remainingBytes() > 0) {
            int link = LINK_TYPES[in.consumeInt(0, LINK_TYPES.length - 1)];
            byte[] f = in.consumeBytes(in.consumeInt(0, 1600));
            p.frame(link, f, 0, f.length, f.length, t += in.consumeInt(0, 1_000_000));
        }
        p.finish();
        org.assertj.core.api.Assertions.assertThat(p.stats().internalErrors).as("flow-layer exceptions (caught, but bugs)").isZero();
        inv.snapshot();
    }

    /**
     * Arbitrary frames whose time jumps about: forward, a little back, far back, far ahead (the flow table's idle
     * clock restarts at a step back and closes every open flow). Must not throw, and the table stays bounded.
     */
    @FuzzTest(maxDuration = "10s")
    void framesWithTimeJumps(FuzzedDataProvider in) {
        InventoryBuilder inv = new InventoryBuilder(new InventoryBuilder.Limits(512, 1024, 16, 4));
        Pipeline p = new Pipeline(inv, Protocols.ipProtocols(), Protocols.etherTypeProtocols(), LIMITS);
        long t = in.consumeLong();
        while (in.remainingBytes() > 0) {
            int link = LINK_TYPES[in.consumeInt(0, LINK_TYPES.length - 1)];
            byte[] f = in.consumeBytes(in.consumeInt(0, 1600));
            t += switch (in.consumeInt(0, 3)) {
                case 0 -> in.consumeLong(0, 1_000_000);
                case 1 -> -in.consumeLong(0, 10_000_000_000L);
                case 2 -> -in.consumeLong(0, Long.MAX_VALUE / 4);
                default -> in.consumeLong(0, Long.MAX_VALUE / 4);
            };
            p.frame(link, f, 0, f.length, f.length, t);
            org.assertj.core.api.Assertions.assertThat(p.flows().size()).isLessThanOrEqualTo(LIMITS.maxFlows());
        }
        p.finish();
        org.assertj.core.api.Assertions.assertThat(p.stats().internalErrors).as("flow-layer exceptions (caught, but bugs)").isZero();
        org.assertj.core.api.Assertions.assertThat(p.flows().size()).isZero();
        inv.snapshot();
    }

    /**
     * Fuzzed payloads as the two directions of one TCP connection on a chosen industrial port (Modbus 502,
     * DNP3 20000, IEC 104 2404, ISO-on-TCP 102, OPC UA 4840, EtherNet/IP 44818), with fuzzed segmentation and
     * sequence numbers, so the stream decoders see real reassembly.
     */
    @FuzzTest(maxDuration = "10s")
    void industrialTcpStream(FuzzedDataProvider in) {
        int[] ports = {502, 20000, 2404, 102, 4840, 44818};
        int port = ports[in.consumeInt(0, ports.length - 1)];
        InventoryBuilder inv = new InventoryBuilder(new InventoryBuilder.Limits(512, 1024, 16, 4));
        Pipeline p = new Pipeline(inv, Protocols.ipProtocols(), Protocols.etherTypeProtocols(), LIMITS);
        Frames f = new Frames();
        int client = 0x0A000001, server = 0x0A000002;
        long[] seq = {1000, 5000};
        long t = 1;
        int len = f.tcp(client, 40000, server, port, seq[0]++, 0, Frames.SYN, 0);
        p.frame(LinkTypes.ETHERNET, f.buf, 0, len, len, t++);
        len = f.tcp(server, port, client, 40000, seq[1]++, seq[0], Frames.SYN | Frames.ACK, 0);
        p.frame(LinkTypes.ETHERNET, f.buf, 0, len, len, t++);
        while (in.remainingBytes() > 0) {
            boolean fromClient = in.consumeBoolean();
            int side = fromClient ? 0 : 1;
            int jitter = in.consumeInt(-64, 64);
            byte[] data = in.consumeBytes(in.consumeInt(0, 1460));
            System.arraycopy(data, 0, f.buf, Frames.PAYLOAD_TCP, data.length);
            len = fromClient ? f.tcp(client, 40000, server, port, seq[0] + jitter, seq[1], Frames.PSH | Frames.ACK, data.length)
                    : f.tcp(server, port, client, 40000, seq[1] + jitter, seq[0], Frames.PSH | Frames.ACK, data.length);
            p.frame(LinkTypes.ETHERNET, f.buf, 0, len, len, t += 1000);
            seq[side] += data.length;
        }
        p.finish();
        org.assertj.core.api.Assertions.assertThat(p.stats().internalErrors).as("flow-layer exceptions (caught, but bugs)").isZero();
        inv.snapshot();
    }
}
