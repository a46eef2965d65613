package io.gridscout.protocols.cotp;

import org.junit.jupiter.api.Tag;

import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.RecordingSession;
import io.gridscout.protocols.testutil.Captures;
import io.gridscout.protocols.testutil.Frames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class IsoOnTcpDecoderTest {
    private static final IsoOnTcpSpec SPEC = new IsoOnTcpSpec();

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    @Tag(Captures.SHARED)
    @ParameterizedTest
    @ValueSource(strings = {"mms-peer-libiec61850-identify-siprotec.pcap", "mms-iti-8d7c7db0-9804-012b-b2a6-0016cb8cea27.pcap",
            "s7comm-cisagov-s7ident.pcap", "s7comm-iti-s7comm_reading_plc_status.pcap"})
    void byteAtATimeGivesTheSameFacts(String capture) throws Exception {
        List<Fact> whole = Captures.facts(Captures.replay(capture, 102, "iso-tsap", IsoOnTcpDecoder::new));
        List<Fact> bytes = Captures.facts(Captures.replay(capture, 102, "iso-tsap", IsoOnTcpDecoder::new, 1));
        assertThat(strip(bytes)).isEqualTo(strip(whole));
        assertThat(whole).isNotEmpty();
    }

    private static List<String> strip(List<Fact> facts) {
        return facts.stream().map(Object::toString).toList();
    }

    @Test
    void specMatchesConnectionRequestAndData() {
        // COTP CR of the libiec61850 capture (frame 4) and an S7 setup-communication DT (cisagov frame 8)
        byte[] cr = hex("0300001611e00000000100c0010dc2020001c1020001");
        byte[] s7 = hex("0300001902f08032010000000000080000f0000001000101e0");
        assertThat(SPEC.matches(cr, 0, cr.length, true, Transport.TCP)).isTrue();
        assertThat(SPEC.matches(cr, 0, cr.length, false, Transport.TCP)).isTrue();
        assertThat(SPEC.matches(s7, 0, s7.length, false, Transport.TCP)).isTrue();
        assertThat(SPEC.matches(s7, 0, s7.length, false, Transport.UDP)).isFalse();
        // truncated or foreign payloads
        assertThat(SPEC.matches(s7, 0, 10, false, Transport.TCP)).isFalse();
        byte[] http = "GET / HTTP/1.1\r\n\r\n".getBytes();
        assertThat(SPEC.matches(http, 0, http.length, true, Transport.TCP)).isFalse();
        byte[] badLi = hex("0300001611ff0000000100c0010dc2020001c1020001");
        assertThat(SPEC.matches(badLi, 0, badLi.length, true, Transport.TCP)).isFalse();
    }

    /** Issue #21: RDP's X.224 Connection Request (the MS-RDPBCGR 4.1.1 example bytes) is RDP, on any port. */
    @Test
    void rdpConnectionRequestIsRecognisedFromItsContent() {
        byte[] cr = hex("0300002c27e00000000000436f6f6b69653a206d737473686173683d656c746f6e730d0a0100080000000000");
        assertThat(SPEC.matches(cr, 0, cr.length, false, Transport.TCP)).isTrue();
        RecordingSession s = RecordingSession.tcp("iso-tsap", 3389);
        new IsoOnTcpDecoder(s).onData(0, cr, 0, cr.length, 1);
        assertThat(s.protocol()).isEqualTo("rdp");
        assertThat(s.details).containsKey("rdp=cookie and negotiation request");
        // an ISO-TSAP CR of libiec61850 stays what it is
        byte[] iso = hex("0300001611e00000000100c0010dc2020001c1020001");
        RecordingSession m = RecordingSession.tcp("iso-tsap", 102);
        new IsoOnTcpDecoder(m).onData(0, iso, 0, iso.length, 1);
        assertThat(m.protocol()).isNotEqualTo("rdp");
    }

    @Test
    void s7PlusIsCountedAndRolesComeFromCotp() {
        RecordingSession s = RecordingSession.tcp("iso-tsap", 102);
        IsoOnTcpDecoder d = new IsoOnTcpDecoder(s);
        d.onData(0, hex("0300001611e00000000100c0010ac1020600c2020600"), 0, 22, 1);
        d.onData(1, hex("0300001611d00001000100c0010ac1020600c2020600"), 0, 22, 2);
        // S7comm-plus V1 connect request header: 72 01 <len> ... (only the protocol id and version are used)
        byte[] plus = hex("0300001702f080720100083100000000000000000072010000");
        plus[3] = (byte) plus.length;
        d.onData(0, plus, 0, plus.length, 3);
        assertThat(s.details).containsEntry("s7commPlus=V1", 1L);
        assertThat(s.factsOf(Fact.Service.class)).extracting(f -> f.protocol() + " " + f.role() + " " + f.endpoint().port())
                .containsExactlyInAnyOrder("s7comm-plus client 40000", "s7comm-plus server 102");
        assertThat(s.malformed).isEmpty();
    }

    @Test
    void segmentedTsduIsReassembledAndOversizeIsDropped() {
        RecordingSession s = RecordingSession.tcp("iso-tsap", 102);
        IsoOnTcpDecoder d = new IsoOnTcpDecoder(s);
        // S7 job "PLC stop" (function 0x29) split over two DT TPDUs: the first without EOT
        byte[] job = hex("32010000000100100000" + "29000000000009505f50524f4752414d");
        byte[] a = Frames.tpktDt(job, 0, 7, false), b = Frames.tpktDt(job, 7, job.length - 7, true);
        d.onData(0, a, 0, a.length, 1);
        d.onData(0, b, 0, b.length, 2);
        assertThat(s.operations).containsEntry("41 PLC_STOP control", 1L);
        // a TSDU longer than the cap is counted, not kept
        byte[] big = new byte[4000];
        for (int i = 0; i < 6; i++) {
            byte[] seg = Frames.tpktDt(big, 0, big.length, false);
            d.onData(0, seg, 0, seg.length, 3);
        }
        byte[] end = Frames.tpktDt(job, 0, job.length, true);
        d.onData(0, end, 0, end.length, 4);
        assertThat(s.details).containsEntry("cotp=tsdu too large", 1L);
        assertThat(d.tsduDropped()).isEqualTo(1);
        // after the dropped TSDU, the next one decodes again
        d.onData(0, end, 0, end.length, 5);
        assertThat(s.operations).containsEntry("41 PLC_STOP control", 2L);
    }

    @Test
    void garbageResynchronisesOnTheNextTpkt() {
        RecordingSession s = RecordingSession.tcp("iso-tsap", 102);
        IsoOnTcpDecoder d = new IsoOnTcpDecoder(s);
        byte[] junk = hex("ffeeddcc0102");
        d.onData(0, junk, 0, junk.length, 1);
        byte[] job = hex("32010000000100100000" + "29000000000009505f50524f4752414d");
        byte[] pdu = Frames.tpktDt(job, 0, job.length, true);
        d.onData(0, pdu, 0, pdu.length, 2);
        assertThat(s.malformed).containsExactly("tpkt bad version");
        assertThat(s.operations).containsEntry("41 PLC_STOP control", 1L);
    }
}
