package io.gridscout.protocols.c1222;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.RecordingSession;
import io.gridscout.protocols.testutil.Captures;
import io.gridscout.protocols.testutil.L2Frames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** C12.22 messages built from ANSI C12.22-2008 / IEEE 1703, cross-checked with tshark's c1222 dissector. */
class C1222DecoderTest {
    static byte[] tlv(int tag, byte[]... parts) {
        L2Frames.Bytes v = L2Frames.bytes();
        for (byte[] p : parts) v.raw(p);
        return L2Frames.bytes().b(tag, v.size()).raw(v.bytes()).bytes();
    }

    static byte[] b(int... v) {
        return L2Frames.bytes().b(v).bytes();
    }

    /** Relative AP titles .1.2.3.<node> (called/calling-ap-title-rel: [0] IMPLICIT RELATIVE-OID). */
    static byte[] apTitle(int node) {
        return tlv(0x80, b(1, 2, 3, node));
    }

    /** An ACSE message from calling node to called node carrying one EPSEM (flags 0x80: cleartext). */
    static byte[] message(int calling, int called, int invocation, byte[]... services) {
        L2Frames.Bytes e = L2Frames.bytes().b(0x80);
        for (byte[] sv : services) e.b(sv.length).raw(sv);
        e.b(0);
        return tlv(0x60, tlv(0xA2, apTitle(called)), tlv(0xA6, apTitle(calling)), tlv(0xA8, b(0x02, 0x01, invocation)),
                tlv(0xBE, tlv(0x28, tlv(0x81, e.bytes()))));
    }

    static final byte[] IDENT_RESPONSE = L2Frames.bytes().b(0x00, 0x03, 0x01, 0x00)          // ok, C12.22, version 1 revision 0
            .b(0x06).raw(tlv(0x0D, b(0x05, 0x07)))                                              // device class .5.7
            .b(0x07, 0x00, 9).ascii("MTR-00042")                                               // device identity
            .b(0x00).bytes();

    static List<byte[]> exchange() {
        byte[] logon = L2Frames.bytes().b(0x50).u16(2).ascii("operator  ").bytes();
        byte[] security = L2Frames.bytes().b(0x51).ascii("S3cretPassword!!!!!!").bytes();
        return List.of(
                message(10, 20, 1, b(0x20)),
                message(20, 10, 1, IDENT_RESPONSE),
                message(10, 20, 2, logon),
                message(20, 10, 2, b(0x00)),
                message(10, 20, 3, security),
                message(20, 10, 3, b(0x00)),
                message(10, 20, 4, b(0x30, 0x00, 0x01)),
                message(20, 10, 4, L2Frames.bytes().b(0x00).u16(4).ascii("ABCD").b(0xF6).bytes()),
                message(10, 20, 5, L2Frames.bytes().b(0x40, 0x00, 0x07).u16(4).b(0x0A, 0x00, 0x01, 0x00).b(0xF5).bytes()),
                message(20, 10, 5, b(0x00)),
                message(10, 20, 6, b(0x30, 0x00, 0x05)),
                message(20, 10, 6, b(0x05)),
                message(10, 20, 7, b(0x52)),
                message(20, 10, 7, b(0x00)));
    }

    @Test
    void identificationAndOperations() {
        for (int chunk : new int[] {1, 5, 1000}) {
            RecordingSession s = RecordingSession.tcp("c1222", 1153);
            C1222Decoder d = new C1222Decoder(s);
            int i = 0;
            for (byte[] m : exchange()) {
                int side = i++ % 2;
                for (int o = 0; o < m.length; o += chunk) d.onData(side, m, o, Math.min(chunk, m.length - o), i);
            }
            assertThat(s.malformed).isEmpty();
            assertThat(s.factsOf(Fact.Service.class)).extracting(f -> f.endpoint().port() + " " + f.role())
                    .containsExactlyInAnyOrder("40000 client", "1153 server");
            assertThat(s.factsOf(Fact.Identity.class)).filteredOn(f -> f.endpoint().port() == 1153).allMatch(f -> f.source().equals("c1222"))
                    .extracting(f -> f.name() + "=" + f.value())
                    .containsExactlyInAnyOrder("apTitle=.1.2.3.20", "standard=C12.22", "version=1", "revision=0",
                            "deviceClass=.5.7", "name=MTR-00042");
            assertThat(s.factsOf(Fact.Identity.class)).filteredOn(f -> f.endpoint().port() == 40000)
                    .extracting(f -> f.name() + "=" + f.value()).containsExactly("apTitle=.1.2.3.10");
            assertThat(s.operations).containsEntry("32 identify diagnostic", 1L).containsEntry("80 logon control", 1L)
                    .containsEntry("81 security control", 1L).containsEntry("48 read read", 2L)
                    .containsEntry("64 procedure control", 1L).containsEntry("82 logoff control", 1L);
            assertThat(s.details).containsEntry("response=iar", 1L);
            assertThat(s.facts.toString()).doesNotContain("S3cret");
        }
    }

    @Test
    void ciphertextIsCountedOnly() {
        RecordingSession s = RecordingSession.tcp("c1222", 1153);
        s.serverSide(1);
        byte[] m = tlv(0x60, tlv(0xA6, apTitle(10)), tlv(0xBE, tlv(0x28, tlv(0x81, b(0x88, 0xDE, 0xAD, 0xBE, 0xEF)))));
        new C1222Decoder(s).onData(0, m, 0, m.length, 1);
        assertThat(s.details).containsEntry("encrypted=epsem-ciphertext", 1L);
        assertThat(s.factsOf(Fact.ServiceDetail.class)).extracting(d -> d.name() + "=" + d.value()).containsExactly("ciphered=true");
        assertThat(new C1222Spec().matches(m, 0, m.length, false, Transport.TCP)).isTrue();
        assertThat(new C1222Spec().matches(m, 0, m.length - 1, false, Transport.TCP)).isFalse();
    }

    @Test
    void pipelineAndTshark(@TempDir Path tmp) throws Exception {
        List<byte[]> frames = new ArrayList<>();
        int i = 0;
        String c = "00:00:00:00:00:0c", m = "00:00:00:00:00:0d";
        for (byte[] msg : exchange()) {
            frames.add(i++ % 2 == 0 ? L2Frames.udp(c, m, "10.8.0.1", 1153, "10.8.0.9", 1153, msg)
                    : L2Frames.udp(m, c, "10.8.0.9", 1153, "10.8.0.1", 1153, msg));
        }
        List<Fact> facts = L2Frames.run(List.of(new C1222Spec()), List.of(), frames);
        assertThat(facts).anyMatch(f -> f instanceof Fact.Identity id && id.name().equals("name") && id.value().equals("MTR-00042")
                && id.endpoint().ip().toString().equals("10.8.0.9"));
        assertThat(facts).anyMatch(f -> f instanceof Fact.Service sv && sv.role().equals("server") && sv.endpoint().ip().toString().equals("10.8.0.9"));

        Path pcap = L2Frames.writePcap(tmp, "c1222.pcap", frames);
        List<String[]> rows = Captures.tshark(pcap, "c1222", "c1222.cmd", "c1222.err", "c1222.calling_ap_title_rel", "c1222.read.table", "c1222.logon.user");
        assertThat(rows).hasSize(exchange().size());
        assertThat(rows.get(0)[0]).isEqualTo("0x20");
        assertThat(rows.get(0)[2]).isEqualTo(".1.2.3.10");
        assertThat(rows.get(1)[1]).isEqualTo("0x00");
        assertThat(rows.get(2)[0]).isEqualTo("0x50");
        assertThat(rows.get(2)[4]).isEqualTo("operator  ");
        assertThat(rows.get(6)[0]).isEqualTo("0x30");
        assertThat(rows.get(6)[3]).isEqualTo("0x0001");
        assertThat(rows.get(11)[1]).isEqualTo("0x05");
    }

    @FuzzTest(maxDuration = "10s")
    void fuzz(byte[] data) {
        for (Transport tr : new Transport[] {Transport.TCP, Transport.UDP}) {
            RecordingSession s = tr == Transport.TCP ? RecordingSession.tcp("c1222", 1153)
                    : new RecordingSession("c1222", Transport.UDP, RecordingSession.tcp("x", 1).endpoint(0), RecordingSession.tcp("x", 1153).endpoint(1));
            C1222Decoder d = new C1222Decoder(s);
            d.onData(0, data, 0, data.length, 0);
            d.onData(1, data, 0, data.length, 1);
            new C1222Spec().matches(data, 0, data.length, true, tr);
            new C1222Spec().matches(data, 0, data.length, false, tr);
        }
        if (data.length < 200) {
            RecordingSession s = RecordingSession.tcp("c1222", 1153);
            C1222Decoder d = new C1222Decoder(s);
            byte[] q = message(1, 2, 1, b(0x20)), r = message(2, 1, 1, data);
            d.onData(0, q, 0, q.length, 0);
            d.onData(1, r, 0, r.length, 1);
        }
    }
}
