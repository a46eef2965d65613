package io.gridscout.bench;

import io.gridscout.protocols.Protocols;
import io.gridscout.protocols.capture.CaptureReader;
import io.gridscout.protocols.capture.Captures;
import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.FlowTable;
import io.gridscout.protocols.flow.ProtocolDecoder;
import io.gridscout.protocols.flow.ProtocolSpec;
import io.gridscout.protocols.flow.Session;
import io.gridscout.protocols.pipeline.Pipeline;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What one decoder costs: the same frames (held in memory, so reading is not measured) go through the pipeline
 * with the decoder ("all"), with the protocol recognised but its bytes thrown away ("null": flows, TCP
 * reassembly and detection still run) and with the protocol not decoded at all ("skip"). Thread CPU time, so
 * other load on the machine disturbs the figures less than wall time would.
 *
 * <p>{@code java -cp bench/target/gridscout-bench.jar io.gridscout.bench.DecoderCost CAPTURE PROTOCOL [ROUNDS]};
 * {@code bench/replicate.py} makes a large capture out of a small one.
 */
public final class DecoderCost {
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        String proto = args[1];
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        List<byte[]> frames = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        int link = 1;
        try (CaptureReader r = Captures.open(file)) {
            while (r.next()) {
                frames.add(Arrays.copyOfRange(r.data(), r.offset(), r.offset() + r.capturedLength()));
                times.add(r.timestampNanos());
                link = r.linkType();
            }
        }
        ProtocolSpec real = Protocols.ipProtocols().stream().filter(p -> p.name().equals(proto)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no IP protocol named " + proto));
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (int round = 0; round < rounds; round++) {
            for (String mode : List.of("all", "null", "skip")) {
                List<ProtocolSpec> specs = new ArrayList<>(Protocols.ipProtocols());
                if (!mode.equals("all")) specs.removeIf(s -> s.name().equals(proto));
                if (mode.equals("null")) specs.add(0, nullDecoding(real));
                long[] facts = new long[1];
                Pipeline p = new Pipeline(f -> facts[0]++, specs, Protocols.etherTypeProtocols(), FlowTable.Limits.defaults());
                long c0 = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < frames.size(); i++) {
                    byte[] f = frames.get(i);
                    p.frame(link, f, 0, f.length, f.length, times.get(i));
                }
                p.finish();
                long c1 = mx.getCurrentThreadCpuTime();
                System.out.printf("round %d %-4s %6.0f ns/packet CPU (%d packets, %d facts)%n", round, mode,
                        (c1 - c0) / (double) frames.size(), frames.size(), facts[0]);
            }
        }
    }

    /** Recognises the protocol like the real spec, then discards its bytes. */
    private static ProtocolSpec nullDecoding(ProtocolSpec real) {
        return new ProtocolSpec() {
            @Override public String name() { return real.name(); }
            @Override public boolean supports(Transport t) { return real.supports(t); }
            @Override public boolean isWellKnownPort(int port) { return real.isWellKnownPort(port); }
            @Override public boolean matches(byte[] b, int off, int len, boolean hint, Transport t) { return real.matches(b, off, len, hint, t); }
            @Override public ProtocolDecoder newDecoder(Session s) { return (side, b, off, len, t) -> { }; }
        };
    }
}
