package io.gridscout.protocols.ptp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.RecordingSession;
import io.gridscout.protocols.testutil.Captures;
import io.gridscout.protocols.testutil.L2Frames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** PTPv2 Announce/Sync/Delay_Req built from IEEE 1588-2008 clause 13, over Ethernet and UDP, checked by tshark. */
class PtpTest {
    static final byte[] GM_ID = {0x00, 0x1B, 0x19, (byte) 0xFF, (byte) 0xFE, 0x00, 0x00, 0x01};
    static final byte[] SLAVE_ID = {0x00, 0x1B, 0x19, (byte) 0xFF, (byte) 0xFE, 0x00, 0x00, 0x02};

    static L2Frames.Bytes header(int type, int length, int domain, byte[] clockId, int seq) {
        return L2Frames.bytes().b(type, 0x02).u16(length).b(domain, 0).u16(type == 0 ? 0x0200 : 0).zeros(8).zeros(4)
                .raw(clockId).u16(1).u16(seq).b(type == 0xB ? 5 : type == 0 ? 0 : 1, 0);
    }

    static byte[] announce(int domain) {
        return header(0xB, 64, domain, GM_ID, 1).zeros(10).u16(37).b(0).b(128).b(6, 0x21).u16(0x4E5D).b(127).raw(GM_ID).u16(0).b(0x20).bytes();
    }

    static byte[] sync(int domain) {
        return header(0x0, 44, domain, GM_ID, 1).zeros(10).bytes();
    }

    static byte[] delayReq(int domain) {
        return header(0x1, 44, domain, SLAVE_ID, 1).zeros(10).bytes();
    }

    @Test
    void masterAndSlaveOverEthernetAndUdp(@TempDir Path tmp) throws Exception {
        String gm = "00:1b:19:00:00:01", sl = "00:1b:19:00:00:02", mc = "01:1b:19:00:00:00";
        List<byte[]> frames = List.of(
                L2Frames.ethernet(mc, gm, 0x88F7, announce(0)),
                L2Frames.ethernet(mc, gm, 0x88F7, sync(0)),
                L2Frames.ethernet(mc, gm, 0x88F7, announce(0)),
                L2Frames.ethernet(mc, sl, 0x88F7, delayReq(0)),
                L2Frames.udp(gm, "01:00:5e:00:01:81", "10.6.0.1", 320, "224.0.1.129", 320, announce(4)),
                L2Frames.udp(sl, "01:00:5e:00:01:81", "10.6.0.2", 319, "224.0.1.129", 319, delayReq(4)));
        List<Fact> facts = L2Frames.run(List.of(new PtpSpec()), List.of(new PtpProtocol()), frames);
        assertThat(facts).filteredOn(f -> f instanceof Fact.Service).map(f -> (Fact.Service) f)
                .extracting(s -> (s.endpoint().ip() == null ? "l2" : s.endpoint().ip().toString()) + " " + s.role())
                .containsExactlyInAnyOrder("l2 master", "l2 slave", "10.6.0.1 master", "10.6.0.2 slave");
        assertThat(facts).filteredOn(f -> f instanceof Fact.ServiceDetail d && d.endpoint().ip() == null).map(f -> (Fact.ServiceDetail) f)
                .extracting(d -> d.name() + "=" + d.value())
                .containsExactlyInAnyOrder("clockIdentity=00:1b:19:ff:fe:00:00:01", "domain=0", "priority1=128", "clockClass=6", "priority2=127");
        assertThat(facts).anyMatch(f -> f instanceof Fact.ServiceDetail d && d.endpoint().ip() != null && d.name().equals("domain") && d.value().equals(4L));

        Path pcap = L2Frames.writePcap(tmp, "ptp.pcap", frames);
        List<String[]> rows = Captures.tshark(pcap, "ptp.v2.messagetype == 0xb", "ptp.v2.clockidentity", "ptp.v2.an.priority1",
                "ptp.v2.an.grandmasterclockclass", "ptp.v2.an.priority2", "ptp.v2.domainnumber");
        assertThat(rows.get(0)).containsExactly("0x001b19fffe000001", "128", "6", "127", "0");
        assertThat(rows.get(2)[4]).isEqualTo("4");
        assertThat(Captures.tshark(pcap, "ptp.v2.messagetype == 0x1", "ptp.v2.clockidentity").get(0)[0]).isEqualTo("0x001b19fffe000002");
    }

    @FuzzTest(maxDuration = "10s")
    void fuzz(byte[] data) {
        RecordingSession s = new RecordingSession("ptp", Transport.UDP, RecordingSession.tcp("x", 319).endpoint(0), RecordingSession.tcp("x", 319).endpoint(1));
        PtpSpec spec = new PtpSpec();
        spec.matches(data, 0, data.length, true, Transport.UDP);
        spec.newDecoder(s).onData(0, data, 0, data.length, 0);
        new PtpProtocol().newDecoder(f -> { }).onFrame(0x88F7, 1, 2, -1, data, 0, data.length, 0);
    }
}
