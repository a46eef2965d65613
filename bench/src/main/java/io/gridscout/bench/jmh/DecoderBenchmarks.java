package io.gridscout.bench.jmh;

import io.gridscout.protocols.Protocols;
import io.gridscout.protocols.capture.LinkTypes;
import io.gridscout.protocols.dnp3.Dnp3Crc;
import io.gridscout.protocols.dnp3.Dnp3Spec;
import io.gridscout.protocols.flow.FlowTable;
import io.gridscout.protocols.flow.ProtocolDecoder;
import io.gridscout.protocols.modbus.ModbusSpec;
import io.gridscout.protocols.net.FrameDecoder;
import io.gridscout.protocols.net.FrameView;
import io.gridscout.protocols.pipeline.Pipeline;
import io.gridscout.bench.SubstationGenerator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Per-decoder cost of one message (ns/op): Modbus request+response, DNP3 class-0 poll response (link CRCs,
 * transport, objects), the frame decoder on an Ethernet/IPv4/TCP frame, and the whole pipeline per packet of
 * the synthetic substation mix. Run: {@code java -jar bench/target/gridscout-bench.jar jmh}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class DecoderBenchmarks {
    // Modbus/TCP: read 10 holding registers, then the response (MBAP + PDU), one TCP payload each
    private final byte[] modbusReq = hex("0001000000060103006b000a");
    private final byte[] modbusResp = hex("000100000017010314" + "0001".repeat(10));
    private byte[] dnp3Resp;
    private byte[] frame;
    private ProtocolDecoder modbus, dnp3;
    private final FrameView view = new FrameView();
    private byte[][] mix;
    private Pipeline pipeline;
    private int next;
    private long t = 1;

    @Setup
    public void setup() throws IOException {
        modbus = new ModbusSpec().newDecoder(new BenchSession(502));
        dnp3 = new Dnp3Spec().newDecoder(new BenchSession(20000));
        dnp3Resp = dnp3Frame(hex("C1810000" + "1E0100000F" + "0100000000".repeat(16)));
        // Ethernet + IPv4 + TCP around the Modbus request
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + 20 + modbusReq.length);
        b.put(hex("0200000000020200000000010800"));
        b.put(hex("45000034" + "00004000" + "4006" + "0000" + "0a000001" + "0a000002"));
        b.put(hex("9c4001f6" + "00000001" + "00000001" + "5018faf0" + "00000000"));
        b.put(modbusReq);
        frame = b.array();
        mix = mix();
        pipeline = new Pipeline(f -> { }, Protocols.ipProtocols(), Protocols.etherTypeProtocols(), FlowTable.Limits.defaults());
    }

    /** The first 200k frames of the synthetic mix, kept in memory. */
    private static byte[][] mix() throws IOException {
        Path tmp = Files.createTempFile("gridscout-jmh", ".pcap");
        try {
            SubstationGenerator.generate(tmp, 1, 10, 10, 200_000);
            byte[] all = Files.readAllBytes(tmp);
            ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
            List<byte[]> frames = new ArrayList<>();
            int p = 24;
            while (p + 16 <= all.length) {
                int len = b.getInt(p + 8);
                byte[] fr = new byte[len];
                System.arraycopy(all, p + 16, fr, 0, len);
                frames.add(fr);
                p += 16 + len;
            }
            return frames.toArray(new byte[0][]);
        } finally {
            Files.deleteIfExists(tmp);
            Files.deleteIfExists(SubstationGenerator.expectedPath(tmp));
        }
    }

    @Benchmark
    public void modbusRequestResponse() {
        modbus.onData(0, modbusReq, 0, modbusReq.length, t++);
        modbus.onData(1, modbusResp, 0, modbusResp.length, t++);
    }

    @Benchmark
    public void dnp3Class0Response() {
        dnp3.onData(1, dnp3Resp, 0, dnp3Resp.length, t++);
    }

    @Benchmark
    public int frameDecoder() {
        return FrameDecoder.decode(LinkTypes.ETHERNET, frame, 0, frame.length, view);
    }

    /** One packet of the substation mix through the whole pipeline (frame, flow table, TCP, decoders, facts). */
    @Benchmark
    public void pipelinePerPacket() {
        byte[] f = mix[next];
        if (++next == mix.length) next = 0;
        pipeline.frame(LinkTypes.ETHERNET, f, 0, f.length, f.length, t += 20_000);
    }

    static byte[] dnp3Frame(byte[] app) {
        int user = app.length + 1;
        ByteBuffer out = ByteBuffer.allocate(10 + user + 2 * ((user + 15) / 16));
        byte[] h = {0x05, 0x64, (byte) (5 + user), 0x44, 1, 0, 10, 0};
        out.put(h).put(crc(h, 0, 8));
        byte[] ud = new byte[user];
        ud[0] = (byte) 0xC1;
        System.arraycopy(app, 0, ud, 1, app.length);
        for (int i = 0; i < user; i += 16) {
            int n = Math.min(16, user - i);
            out.put(ud, i, n).put(crc(ud, i, n));
        }
        return out.array();
    }

    private static byte[] crc(byte[] b, int off, int len) {
        int c = Dnp3Crc.compute(b, off, len);
        return new byte[] {(byte) c, (byte) (c >>> 8)};
    }

    static byte[] hex(String s) {
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        return b;
    }
}
