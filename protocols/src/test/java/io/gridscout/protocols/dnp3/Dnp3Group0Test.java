package io.gridscout.protocols.dnp3;

import io.gridscout.protocols.fact.Confidence;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.flow.RecordingSession;
import io.gridscout.protocols.testutil.Captures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Group 0 string attributes: no public capture has them, so the test builds a READ g0v254 and its
 * response from IEEE 1815-2012 (each attribute: data type 1 = VSTR, length, value), checks tshark decodes
 * the same strings from a pcap of those bytes, and that the decoder states them as Identity facts.
 */
class Dnp3Group0Test {
    static final int MASTER_ADDR = 1;
    static final int OUTSTATION_ADDR = 1024;

    /** variation -> value, in response order. */
    static final Map<Integer, String> ATTRS = new LinkedHashMap<>();

    static {
        ATTRS.put(252, "Acme Grid Systems");
        ATTRS.put(250, "RTU-5000 Feeder Controller");
        ATTRS.put(242, "4.2.1-build77");
        ATTRS.put(243, "Rev C");
        ATTRS.put(248, "SN123456789");
        ATTRS.put(247, "FDR-12-RTU");
        ATTRS.put(245, "Substation 12 Bay 3");
        ATTRS.put(246, "AST-0042");
    }

    static byte[] readRequest() {
        return Dnp3Frames.hex("c1 01 00 fe 06"); // FIR FIN seq 1, READ, g0v254 all attributes (qualifier 0x06)
    }

    /** RESPONSE with the attributes; the serial (g0v248) and name (g0v247) use qualifier 0x17, the rest 0x00. */
    static byte[] response() {
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        a.writeBytes(Dnp3Frames.hex("c1 81 00 00"));
        for (Map.Entry<Integer, String> e : ATTRS.entrySet()) {
            byte[] v = e.getValue().getBytes(StandardCharsets.US_ASCII);
            int var = e.getKey();
            if (var == 248 || var == 247) a.writeBytes(new byte[] {0, (byte) var, 0x17, 1, 0}); // count 1, index 0
            else a.writeBytes(new byte[] {0, (byte) var, 0x00, 0, 0}); // start 0, stop 0
            a.write(Dnp3Attributes.VSTR);
            a.write(v.length);
            a.writeBytes(v);
        }
        // and one numeric attribute: g0v241 maximum receive fragment size, UINT 2048
        a.writeBytes(Dnp3Frames.hex("00 f1 00 00 00 02 02 00 08"));
        return a.toByteArray();
    }

    @Test
    void tsharkAndDecoderAgreeOnGroup0Strings(@TempDir Path dir) throws Exception {
        byte[] req = Dnp3Frames.frames(true, OUTSTATION_ADDR, MASTER_ADDR, readRequest(), 249, 0);
        byte[] rsp = Dnp3Frames.frames(false, MASTER_ADDR, OUTSTATION_ADDR, response(), 60, 0); // 4 transport segments
        assertThat(rsp.length).isGreaterThan(3 * Dnp3Link.MAX_FRAME / 4);
        Path pcap = dir.resolve("dnp3-g0.pcap");
        Dnp3Frames.writePcap(pcap, List.of(new Dnp3Frames.Segment(0, req), new Dnp3Frames.Segment(1, rsp)));

        // oracle: tshark's own DNP3 dissector, reassembling the 4 segments
        List<String> lines = Captures.run("-r", pcap.toString(), "-d", "tcp.port==20000,dnp3", "-T", "fields",
                "-E", "separator=|", "-E", "aggregator=;", "-e", "dnp3.al.func", "-e", "dnp3.al.obj", "-e", "dnp3.al.da.value");
        List<String> values = new ArrayList<>();
        List<String> objs = new ArrayList<>();
        for (String l : lines) {
            String[] f = l.split("\\|", -1);
            if (f[0].equals("129")) {
                values.addAll(List.of(f[2].split(";")));
                objs.addAll(List.of(f[1].split(";")));
            }
        }
        assertThat(values).containsExactlyElementsOf(ATTRS.values());
        List<String> expectedObjs = new ArrayList<>();
        for (int v : ATTRS.keySet()) expectedObjs.add(String.format("0x%04x", v));
        expectedObjs.add("0x00f1");
        assertThat(objs).containsExactlyElementsOf(expectedObjs);

        // the decoder, fed the same bytes (one TCP payload per direction, then byte by byte)
        for (int chunk : new int[] {rsp.length, 1, 7}) {
            RecordingSession s = RecordingSession.tcp("dnp3", 20000);
            Dnp3Decoder d = new Dnp3Decoder(s);
            feed(d, 0, req, chunk);
            feed(d, 1, rsp, chunk);
            assertThat(s.malformed).isEmpty();
            assertThat(s.serverSide()).isEqualTo(1);
            Map<String, String> ids = new LinkedHashMap<>();
            for (Fact.Identity i : s.factsOf(Fact.Identity.class)) {
                assertThat(i.endpoint()).isEqualTo(s.endpoint(1));
                assertThat(i.source()).isEqualTo("dnp3.g0");
                assertThat(i.confidence()).isEqualTo(Confidence.STATED);
                ids.put(i.name(), i.value());
            }
            assertThat(ids).containsEntry("vendor", "Acme Grid Systems")
                    .containsEntry("model", "RTU-5000 Feeder Controller")
                    .containsEntry("firmware", "4.2.1-build77")
                    .containsEntry("hardware", "Rev C")
                    .containsEntry("serial", "SN123456789")
                    .containsEntry("name", "FDR-12-RTU")
                    .containsEntry("location", "Substation 12 Bay 3")
                    .containsEntry("userAssignedId", "AST-0042")
                    .containsEntry("maxRxFragmentSize", "2048")
                    .hasSize(9);
            assertThat(s.operations).containsOnlyKeys("1 READ read");
            List<Object> addrs = new ArrayList<>();
            for (Fact.ServiceDetail sd : s.factsOf(Fact.ServiceDetail.class)) addrs.add(sd.role() + "=" + sd.value());
            assertThat(addrs).containsExactly("master=1", "outstation=1024");
        }
    }

    @Test
    void attributesInAMasterWriteAreNotTheOutstationsIdentity() {
        RecordingSession s = RecordingSession.tcp("dnp3", 20000);
        Dnp3Decoder d = new Dnp3Decoder(s);
        byte[] app = Dnp3Frames.hex("c2 02 00 f7 00 00 00 01 04 4e 41 4d 45"); // WRITE g0v247 "NAME"
        byte[] f = Dnp3Frames.frames(true, OUTSTATION_ADDR, MASTER_ADDR, app, 249, 0);
        d.onData(0, f, 0, f.length, 1);
        assertThat(s.factsOf(Fact.Identity.class)).isEmpty();
        assertThat(s.operations).containsOnlyKeys("2 WRITE write");
        assertThat(s.malformed).isEmpty();
    }

    static void feed(Dnp3Decoder d, int side, byte[] b, int chunk) {
        for (int i = 0; i < b.length; i += chunk) d.onData(side, b, i, Math.min(chunk, b.length - i), 1_000L * i);
    }
}
