package io.gridscout.protocols.dhcp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.RecordingSession;
import io.gridscout.protocols.ntp.NtpSpec;
import io.gridscout.protocols.testutil.Captures;
import io.gridscout.protocols.testutil.L2Frames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** DHCP DISCOVER/ACK built from RFC 2131/2132 through the pipeline, cross-checked with tshark. */
class DhcpDecoderTest {
    static final String CLIENT = "00:80:f4:01:02:03", SERVER = "00:50:56:00:00:01";

    static byte[] bootp(int op, int type, int yiaddr, byte[] options) {
        L2Frames.Bytes b = L2Frames.bytes().b(op, 1, 6, 0).u32(0x12345678).u16(0).u16(0x8000)
                .u32(0).u32(yiaddr).u32(0).u32(0).raw(L2Frames.mac(CLIENT)).zeros(10).zeros(64).zeros(128)
                .u32(0x63825363).b(53, 1, type).raw(options).b(255);
        return b.bytes();
    }

    static byte[] discover() {
        byte[] opts = L2Frames.bytes().b(61, 7, 1).raw(L2Frames.mac(CLIENT)).b(12, 9).ascii("rtu-pvp07")
                .b(60, 13).ascii("SEL-3505 v2.1").b(55, 4, 1, 3, 6, 42).bytes();
        return L2Frames.udp(CLIENT, "ff:ff:ff:ff:ff:ff", "0.0.0.0", 68, "255.255.255.255", 67, bootp(1, 1, 0, opts));
    }

    static byte[] ack() {
        byte[] opts = L2Frames.bytes().b(54, 4).raw(L2Frames.ip4("10.7.0.1")).b(51, 4).u32(86400).bytes();
        return L2Frames.udp(SERVER, CLIENT, "10.7.0.1", 67, "10.7.0.50", 68, bootp(2, 5, 0x0A070032, opts));
    }

    @Test
    void clientIdentityServerRoleAndBinding(@TempDir Path tmp) throws Exception {
        List<byte[]> frames = List.of(discover(), discover(), ack());
        List<Fact> facts = L2Frames.run(List.of(new DhcpSpec(), new NtpSpec()), List.of(), frames);
        assertThat(L2Frames.identities(facts)).containsExactlyInAnyOrder("hostname=rtu-pvp07", "dhcpVendorClass=SEL-3505 v2.1",
                "dhcpClientId=010080f4010203", "dhcpFingerprint=1,3,6,42");
        assertThat(facts).anyMatch(f -> f instanceof Fact.Service s && s.protocol().equals("dhcp") && s.role().equals("server")
                && s.endpoint().ip().toString().equals("10.7.0.1"));
        assertThat(facts).anyMatch(f -> f instanceof Fact.Service s && s.protocol().equals("dhcp") && s.role().equals("client")
                && s.endpoint().mac() == io.gridscout.protocols.fact.Mac.parse(CLIENT));
        assertThat(facts).anyMatch(f -> f instanceof Fact.HostSeen h && h.source().equals("dhcp")
                && h.ip().toString().equals("10.7.0.50") && h.mac() == io.gridscout.protocols.fact.Mac.parse(CLIENT));

        Path pcap = L2Frames.writePcap(tmp, "dhcp.pcap", frames);
        List<String[]> rows = Captures.tshark(pcap, "dhcp", "dhcp.option.hostname", "dhcp.option.vendor_class_id",
                "dhcp.option.dhcp", "dhcp.ip.your");
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0)[0]).isEqualTo("rtu-pvp07");
        assertThat(rows.get(0)[1]).isEqualTo("SEL-3505 v2.1");
        assertThat(rows.get(2)[2]).isEqualTo("5");
        assertThat(rows.get(2)[3]).isEqualTo("10.7.0.50");
    }

    @Test
    void optionOverrunIsMalformed() {
        RecordingSession s = new RecordingSession("dhcp", Transport.UDP, RecordingSession.tcp("x", 1).endpoint(0),
                RecordingSession.tcp("x", 67).endpoint(1));
        byte[] m = bootp(1, 1, 0, L2Frames.bytes().b(12, 200).ascii("x").bytes());
        new DhcpDecoder(s).onData(0, m, 0, m.length - 1, 0);
        assertThat(s.malformed).contains("DHCP option longer than message");
        assertThat(new DhcpSpec().matches(m, 0, m.length, false, Transport.UDP)).isTrue();
        assertThat(new DhcpSpec().matches(m, 0, 200, true, Transport.UDP)).isFalse();
    }

    @FuzzTest(maxDuration = "10s")
    void fuzz(byte[] data) {
        RecordingSession s = RecordingSession.tcp("dhcp", 67);
        DhcpDecoder d = new DhcpDecoder(s);
        d.onData(0, data, 0, data.length, 0);
        byte[] withCookie = bootp(data.length > 0 ? data[0] & 3 : 1, 3, 1, data);
        d.onData(1, withCookie, 0, withCookie.length, 0);
    }
}
