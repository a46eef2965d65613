package io.gridscout.protocols.ntp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.flow.RecordingSession;
import io.gridscout.protocols.testutil.Captures;
import io.gridscout.protocols.testutil.L2Frames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** NTPv4 client/server exchange and a monlist probe built from RFC 5905, cross-checked with tshark. */
class NtpDecoderTest {
    static byte[] ntp(int vn, int mode, int stratum, byte[] refId) {
        return L2Frames.bytes().b((vn << 3) | mode, stratum, 6, 0xEC).u32(0).u32(0).raw(refId).zeros(32).bytes();
    }

    @Test
    void rolesAndServerDetails(@TempDir Path tmp) throws Exception {
        String c = "00:00:00:00:00:0c", sv = "00:00:00:00:00:05";
        List<byte[]> frames = List.of(
                L2Frames.udp(c, sv, "10.7.0.20", 123, "10.7.0.5", 123, ntp(4, 3, 0, new byte[4])),
                L2Frames.udp(sv, c, "10.7.0.5", 123, "10.7.0.20", 123, ntp(4, 4, 1, "GPS\0".getBytes())),
                L2Frames.udp(c, sv, "10.7.0.20", 123, "10.7.0.5", 123, ntp(4, 3, 0, new byte[4])),
                L2Frames.udp(sv, c, "10.7.0.5", 123, "10.7.0.20", 123, ntp(4, 4, 1, "GPS\0".getBytes())),
                L2Frames.udp(c, sv, "10.7.0.20", 40000, "10.7.0.5", 123, L2Frames.bytes().b(0x17, 0, 3, 42).zeros(4).bytes()));
        List<Fact> facts = L2Frames.run(List.of(new NtpSpec()), List.of(), frames);
        assertThat(facts).anyMatch(f -> f instanceof Fact.Service s && s.role().equals("server") && s.endpoint().ip().toString().equals("10.7.0.5"));
        assertThat(facts).anyMatch(f -> f instanceof Fact.Service s && s.role().equals("client") && s.endpoint().ip().toString().equals("10.7.0.20"));
        assertThat(facts).filteredOn(f -> f instanceof Fact.ServiceDetail).extracting(f -> ((Fact.ServiceDetail) f).name() + "=" + ((Fact.ServiceDetail) f).value())
                .containsExactlyInAnyOrder("stratum=1", "version=4", "referenceId=GPS");
        assertThat(facts).anyMatch(f -> f instanceof Fact.Conversation cv && cv.operations().stream()
                .anyMatch(o -> o.name().equals("monlist") && o.code() == 7));

        Path pcap = L2Frames.writePcap(tmp, "ntp.pcap", frames);
        List<String[]> rows = Captures.tshark(pcap, "ntp", "ntp.flags.mode", "ntp.stratum", "ntp.refid");
        assertThat(rows.get(1)[0]).isEqualTo("4");
        assertThat(rows.get(1)[1]).isEqualTo("1");
        assertThat(new String(java.util.HexFormat.of().parseHex(rows.get(1)[2].replace(":", "")), java.nio.charset.StandardCharsets.US_ASCII)).startsWith("GPS");
    }

    @Test
    void stratumTwoReferenceIsTheUpstreamAddress() {
        RecordingSession s = RecordingSession.tcp("ntp", 123);
        byte[] m = ntp(3, 4, 2, L2Frames.ip4("192.168.1.1"));
        new NtpDecoder(s).onData(1, m, 0, m.length, 0);
        assertThat(s.factsOf(Fact.ServiceDetail.class)).anyMatch(d -> d.name().equals("referenceId") && d.value().equals("192.168.1.1"));
        new NtpDecoder(s).onData(1, m, 0, 20, 0);
        assertThat(s.malformed).contains("short NTP packet");
        assertThat(new NtpSpec().matches(m, 0, m.length, false, null)).isFalse();
    }

    @FuzzTest(maxDuration = "10s")
    void fuzz(byte[] data) {
        RecordingSession s = RecordingSession.tcp("ntp", 123);
        NtpDecoder d = new NtpDecoder(s);
        d.onData(0, data, 0, data.length, 0);
        d.onData(1, data, 0, data.length, 0);
        new NtpSpec().matches(data, 0, data.length, true, null);
    }
}
