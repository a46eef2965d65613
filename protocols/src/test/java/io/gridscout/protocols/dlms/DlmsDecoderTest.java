package io.gridscout.protocols.dlms;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.RecordingSession;
import io.gridscout.protocols.testutil.Captures;
import io.gridscout.protocols.testutil.Frames;
import io.gridscout.protocols.testutil.L2Frames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static io.gridscout.protocols.dlms.DlmsFrames.*;
import static org.assertj.core.api.Assertions.assertThat;

/** DLMS/COSEM associations built from the standards, over the wrapper and over HDLC. */
class DlmsDecoderTest {
    static final byte[] METER_TITLE = HexFormat.of().parseHex("4D4D4D0000BC614E");   // FLAG "MMM" + serial

    /** An LN association with low-level security, identity reads, a SET, an ACTION, a ciphered GET and release. */
    static List<byte[]> wrapperSession() {
        List<byte[]> m = new ArrayList<>();
        m.add(toMeter(aarq(1, 1, INITIATE_REQUEST)));
        m.add(fromMeter(aare(1, 1, true, METER_TITLE, INITIATE_RESPONSE)));
        m.add(toMeter(getWithList(0xC1,
                attr(1, 0, 0, 42, 0, 0, 255, 2),
                attr(1, 0, 0, 96, 1, 0, 255, 2),
                attr(3, 1, 0, 1, 8, 0, 255, 2),
                attr(1, 0, 0, 96, 1, 1, 255, 2))));
        m.add(fromMeter(getResponseList(0xC1,
                L2Frames.bytes().b(0).raw(octets("MMM0000012345678")).bytes(),
                L2Frames.bytes().b(0).raw(octets("12345678")).bytes(),
                b(0x00, 0x06, 0x00, 0x00, 0x30, 0x39),
                b(0x01, 0x04))));
        m.add(toMeter(getNormal(0xC2, attr(1, 1, 0, 0, 2, 0, 255, 2))));
        m.add(fromMeter(getResponse(0xC2, visible("V2.31"))));
        m.add(toMeter(L2Frames.bytes().b(0xC1, 0x01, 0xC3).raw(attr(8, 0, 0, 1, 0, 0, 255, 2)).b(0x00, 0x11, 0x05).bytes()));
        m.add(fromMeter(b(0xC5, 0x01, 0xC3, 0x00)));
        m.add(toMeter(L2Frames.bytes().b(0xC3, 0x01, 0xC4).raw(attr(70, 0, 0, 96, 3, 10, 255, 1)).b(0x01, 0x0F, 0x00).bytes()));
        m.add(fromMeter(b(0xC7, 0x01, 0xC4, 0x00, 0x00)));
        m.add(toMeter(b(0xC8, 0x0A, 0x30, 0x00, 0x00, 0x00, 0x02, 0x11, 0x22, 0x33, 0x44, 0x55)));
        m.add(fromMeter(b(0xCC, 0x0A, 0x30, 0x00, 0x00, 0x00, 0x02, 0x66, 0x77, 0x88, 0x99, 0xAA)));
        m.add(toMeter(b(0x62, 0x00)));
        m.add(fromMeter(b(0x63, 0x00)));
        return m;
    }

    static RecordingSession feed(List<byte[]> messages, int chunk, Transport tr) {
        RecordingSession s = tr == Transport.TCP ? RecordingSession.tcp("dlms", 4059)
                : new RecordingSession("dlms", Transport.UDP, RecordingSession.tcp("x", 1).endpoint(0), RecordingSession.tcp("x", 4059).endpoint(1));
        DlmsDecoder d = new DlmsDecoder(s);
        long t = 1;
        for (byte[] msg : messages) {
            int side = msg[3] == 0x10 || (msg[0] == 0x7E && (msg[4] & 0xFF) == 0x21) ? 0 : 1;
            if (tr == Transport.UDP) d.onData(side, msg, 0, msg.length, t++);
            else for (int o = 0; o < msg.length; o += chunk) d.onData(side, msg, o, Math.min(chunk, msg.length - o), t++);
        }
        return s;
    }

    @Test
    void wrapperAssociationIdentityAndOperations() {
        for (int chunk : new int[] {1, 3, 1000}) {
            RecordingSession s = feed(wrapperSession(), chunk, Transport.TCP);
            assertThat(s.malformed).isEmpty();
            assertThat(s.factsOf(Fact.Service.class)).extracting(f -> f.endpoint().port() + " " + f.role())
                    .containsExactlyInAnyOrder("40000 client", "4059 server");
            assertThat(s.factsOf(Fact.Identity.class)).allMatch(i -> i.source().equals("dlms") && i.endpoint().port() == 4059)
                    .extracting(i -> i.name() + "=" + i.value())
                    .containsExactlyInAnyOrder("name=MMM0000012345678", "serial=12345678", "firmware=V2.31", "systemTitle=4d4d4d0000bc614e");
            assertThat(s.factsOf(Fact.ServiceDetail.class)).allMatch(d -> d.endpoint().port() == 4059 && d.role().equals("server"))
                    .extracting(d -> d.name() + "=" + d.value())
                    .containsExactlyInAnyOrder("applicationContext=LN", "authentication=low", "ciphered=true");
            assertThat(s.operations).containsEntry("192 get read", 2L).containsEntry("193 set write", 1L)
                    .containsEntry("195 action control", 1L).containsEntry("98 release control", 1L);
            assertThat(s.details).containsEntry("authentication=low", 1L).containsEntry("association=accepted", 1L)
                    .containsEntry("encrypted=glo-get-request", 1L).containsEntry("encrypted=glo-get-response", 1L)
                    .containsEntry("dataAccessResult=4", 1L);
            assertThat(s.facts.toString()).doesNotContain(PASSWORD).doesNotContain("S2Cchallenge");
        }
    }

    @Test
    void getResponseWithoutItsRequestStatesNothing() {
        List<byte[]> m = List.of(fromMeter(getResponse(0xC5, octets("MMM0000099999999"))));
        RecordingSession s = feed(m, 1000, Transport.UDP);
        assertThat(s.factsOf(Fact.Identity.class)).isEmpty();
        assertThat(s.factsOf(Fact.Service.class)).extracting(Fact.Service::role).containsExactly("server");
    }

    @Test
    void hlsMechanismsAndCipheredContext() {
        String[] names = {"none", "low", "hls", "hls-md5", "hls-sha1", "hls-gmac", "hls-sha256", "hls-ecdsa"};
        for (int mech = 0; mech < names.length; mech++) {
            RecordingSession s = feed(List.of(toMeter(aarq(3, mech, GLO_INITIATE_REQUEST))), 1000, Transport.TCP);
            assertThat(s.factsOf(Fact.ServiceDetail.class)).extracting(d -> d.name() + "=" + d.value())
                    .containsExactlyInAnyOrder("applicationContext=LN-ciphered", "authentication=" + names[mech], "ciphered=true");
        }
        RecordingSession s = feed(List.of(toMeter(aarq(2, -1, INITIATE_REQUEST))), 1000, Transport.TCP);
        assertThat(s.factsOf(Fact.ServiceDetail.class)).extracting(d -> d.name() + "=" + d.value())
                .containsExactlyInAnyOrder("applicationContext=SN", "authentication=none");
    }

    @Test
    void crcIsX25() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertThat(Hdlc.crc(check, 0, check.length)).isEqualTo(0x906E);   // CRC-16/X.25 check value (ISO/IEC 13239)
    }

    /** HDLC: client 0x21 (SAP 16), server 0x03 (logical device 1); SNRM/UA, AARQ/AARE, a segmented GET response. */
    static List<byte[]> hdlcSession() {
        byte[] ldn = getResponse(0x81, octets("GRX0000000000042"));
        byte[] first = java.util.Arrays.copyOfRange(ldn, 0, 10), rest = java.util.Arrays.copyOfRange(ldn, 10, ldn.length);
        return List.of(
                hdlc(false, 0x03, 0x21, 0x93, new byte[0]),
                hdlc(false, 0x21, 0x03, 0x73, new byte[0]),
                hdlc(false, 0x03, 0x21, 0x10, Frames.concat(LLC_REQUEST, aarq(1, 5, INITIATE_REQUEST))),
                hdlc(false, 0x21, 0x03, 0x30, Frames.concat(LLC_RESPONSE, aare(1, 5, true, null, INITIATE_RESPONSE))),
                hdlc(false, 0x03, 0x21, 0x32, Frames.concat(LLC_REQUEST, getNormal(0x81, attr(1, 0, 0, 42, 0, 0, 255, 2)))),
                hdlc(true, 0x21, 0x03, 0x52, Frames.concat(LLC_RESPONSE, first)),
                hdlc(false, 0x21, 0x03, 0x54, rest),
                hdlc(false, 0x03, 0x21, 0x53, new byte[0]));
    }

    @Test
    void hdlcFramingSegmentsAndChecksums() {
        for (int chunk : new int[] {1, 7, 1000}) {
            RecordingSession s = feed(hdlcSession(), chunk, Transport.TCP);
            assertThat(s.malformed).isEmpty();
            assertThat(s.factsOf(Fact.Identity.class)).extracting(i -> i.name() + "=" + i.value()).containsExactly("name=GRX0000000000042");
            assertThat(s.factsOf(Fact.ServiceDetail.class)).extracting(d -> d.name() + "=" + d.value())
                    .containsExactlyInAnyOrder("applicationContext=LN", "authentication=hls-gmac");
        }
        byte[] bad = hdlc(false, 0x03, 0x21, 0x10, Frames.concat(LLC_REQUEST, aarq(1, 1, INITIATE_REQUEST)));
        bad[bad.length - 5] ^= 1;
        RecordingSession s = feed(List.of(bad), 1000, Transport.TCP);
        assertThat(s.malformed).containsExactly("HDLC FCS mismatch");
        assertThat(s.factsOf(Fact.ServiceDetail.class)).isEmpty();
    }

    @Test
    void specRecognisesBothFramings() {
        DlmsSpec spec = new DlmsSpec();
        byte[] w = toMeter(aarq(1, 0, INITIATE_REQUEST));
        assertThat(spec.matches(w, 0, w.length, false, Transport.TCP)).isTrue();
        assertThat(spec.matches(w, 0, w.length - 1, false, Transport.TCP)).isFalse();
        byte[] h = hdlcSession().get(0);
        assertThat(spec.matches(h, 0, h.length, false, Transport.TCP)).isTrue();
        h[5] ^= 1;
        assertThat(spec.matches(h, 0, h.length, true, Transport.TCP)).isFalse();
    }

    /** Through the packet path: the wrapper on a non-standard port is found by content; tshark sees the TCP payloads. */
    @Test
    void pipelineAndTshark(@TempDir Path tmp) throws Exception {
        List<byte[]> frames = new ArrayList<>();
        int cs = 1000, ss = 5000;
        frames.add(Frames.tcpFrame("10.9.0.1", 40001, "10.9.0.50", 4059, cs++, 0, Frames.SYN, new byte[0]));
        frames.add(Frames.tcpFrame("10.9.0.50", 4059, "10.9.0.1", 40001, ss++, cs, Frames.SYN | Frames.ACK, new byte[0]));
        for (byte[] m : wrapperSession()) {
            boolean toMeter = m[3] == 0x10;
            if (toMeter) { frames.add(Frames.tcpFrame("10.9.0.1", 40001, "10.9.0.50", 4059, cs, ss, Frames.ACK | Frames.PSH, m)); cs += m.length; }
            else { frames.add(Frames.tcpFrame("10.9.0.50", 4059, "10.9.0.1", 40001, ss, cs, Frames.ACK | Frames.PSH, m)); ss += m.length; }
        }
        List<Fact> facts = L2Frames.run(List.of(new DlmsSpec()), List.of(), frames);
        assertThat(facts).anyMatch(f -> f instanceof Fact.Identity i && i.name().equals("serial") && i.value().equals("12345678")
                && i.endpoint().ip().toString().equals("10.9.0.50"));
        assertThat(facts).anyMatch(f -> f instanceof Fact.Conversation c && c.protocol().equals("dlms")
                && c.operations().stream().anyMatch(o -> o.name().equals("get") && o.code() == 0xC0 && o.count() == 2));

        // no DLMS dissector in tshark 4.0: it checks the framing (TCP payloads as sent, wrapper lengths)
        Path pcap = L2Frames.writePcap(tmp, "dlms.pcap", frames);
        List<String[]> rows = Captures.tshark(pcap, "tcp.len > 0", "tcp.payload");
        assertThat(rows).hasSize(wrapperSession().size());
        for (String[] r : rows) {
            byte[] p = HexFormat.of().parseHex(r[0].replace(":", ""));
            assertThat(((p[6] & 0xFF) << 8 | (p[7] & 0xFF)) + 8).isEqualTo(p.length);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void fuzz(byte[] data) {
        for (Transport tr : new Transport[] {Transport.TCP, Transport.UDP}) {
            RecordingSession s = tr == Transport.TCP ? RecordingSession.tcp("dlms", 4059)
                    : new RecordingSession("dlms", Transport.UDP, RecordingSession.tcp("x", 1).endpoint(0), RecordingSession.tcp("x", 4059).endpoint(1));
            DlmsDecoder d = new DlmsDecoder(s);
            int half = data.length / 2;
            d.onData(0, data, 0, half, 0);
            d.onData(1, data, half, data.length - half, 1);
            d.onData(0, data, 0, data.length, 2);
            new DlmsSpec().matches(data, 0, data.length, true, tr);
        }
        // the same bytes as APDUs inside valid framings
        RecordingSession s = RecordingSession.tcp("dlms", 4059);
        DlmsDecoder w = new DlmsDecoder(s);
        byte[] wrapped = toMeter(data.length > 65535 ? new byte[0] : data);
        w.onData(0, wrapped, 0, wrapped.length, 0);
        w.onData(1, wrapped, 0, wrapped.length, 0);
        if (data.length < 2000) {
            DlmsDecoder h = new DlmsDecoder(RecordingSession.tcp("dlms", 4060));
            byte[] f = hdlc(data.length % 2 == 0, 0x03, 0x21, 0x10, Frames.concat(LLC_REQUEST, data));
            h.onData(0, f, 0, f.length, 0);
            h.onData(1, f, 0, f.length, 0);
        }
    }
}
