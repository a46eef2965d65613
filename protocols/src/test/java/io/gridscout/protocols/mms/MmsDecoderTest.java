package io.gridscout.protocols.mms;

import io.gridscout.protocols.cotp.IsoOnTcpDecoder;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.flow.RecordingSession;
import io.gridscout.protocols.testutil.Captures;
import io.gridscout.protocols.testutil.Frames;
import io.gridscout.protocols.util.Ber;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MmsDecoderTest {
    private static void feed(IsoOnTcpDecoder d, int side, String tsdu) {
        byte[] b = Frames.tpktDt(tsdu);
        d.onData(side, b, 0, b.length, 1);
    }

    /** BER TLV with a short or long-form length. */
    private static String tlv(String tag, String content) {
        int n = content.length() / 2;
        String len = n < 128 ? String.format("%02x", n) : n < 256 ? "81" + String.format("%02x", n) : "82" + String.format("%04x", n);
        return tag + len + content;
    }

    /** Presentation fully-encoded data, context 3, single-ASN1-type around an MMS PDU. */
    private static String data(String mmsPdu) {
        return tlv("61", tlv("30", "020103" + tlv("a0", mmsPdu)));
    }

    @Test
    void initiateParametersAreDetails() throws Exception {
        List<RecordingSession> s = Captures.replay("mms-peer-libiec61850-identify-siprotec.pcap", 102, "iso-tsap",
                IsoOnTcpDecoder::new);
        // libiec61850: proposed 65000 octets, version 1 (tshark: localDetailCalling 65000, proposedVersionNumber 1)
        assertThat(s.get(0).details).containsKeys("proposedMaxPduSize=65000", "proposedVersion=1", "version=1",
                "cotp=CR", "cotp=CC");
    }

    @Test
    void informationReportAndConfirmedRequestFromFrames() {
        RecordingSession s = RecordingSession.tcp("iso-tsap", 102);
        IsoOnTcpDecoder d = new IsoOnTcpDecoder(s);
        // session GT+DT, presentation fully-encoded data, context 3, MMS unconfirmed informationReport (a3 .. a0 ..)
        feed(d, 1, "01000100" + "610e" + "300c" + "020103" + "a007" + "a305" + "a003" + "a10100");
        // confirmed-RequestPDU invokeID 7, fileDirectory [77] (multi-octet tag bf4d) with an empty SEQUENCE
        feed(d, 0, "01000100" + data(tlv("a0", "020107" + "bf4d00")));
        assertThat(s.operations).containsOnlyKeys("256 informationReport read", "77 fileDirectory program");
        assertThat(s.serverSide()).isEqualTo(1);
        assertThat(s.malformed).isEmpty();
    }

    @Test
    void domainNamesOnlyFromDomainRequestsAndBounded() {
        RecordingSession s = RecordingSession.tcp("iso-tsap", 102);
        IsoOnTcpDecoder d = new IsoOnTcpDecoder(s);
        // GetNameList of named variables (class 0), then a response: not logical devices
        feed(d, 0, "01000100" + "6117" + "3015" + "020103" + "a010" + "a00e" + "020102" + "a109" + "a003800100" + "a1028000");
        feed(d, 1, "01000100" + "6113" + "3011" + "020103" + "a00c" + "a10a" + "020102" + "a105" + "a0031a0158");
        assertThat(s.factsOf(Fact.ServiceDetail.class)).isEmpty();
        // GetNameList of domains (class 9) answered with "IED1LD0", "IED1CTRL"
        feed(d, 0, "01000100" + "6117" + "3015" + "020103" + "a010" + "a00e" + "020103" + "a109" + "a003800109" + "a1028000");
        feed(d, 1, "01000100" + data(tlv("a1", "020103" + tlv("a1", tlv("a0", "1a07" + "494544314c4430" + "1a08" + "494544314354524c")))));
        assertThat(s.factsOf(Fact.ServiceDetail.class)).extracting(f -> f.value())
                .containsExactly("IED1LD0", "IED1CTRL");
        assertThat(s.factsOf(Fact.Identity.class)).extracting(f -> f.name() + "=" + f.value()).containsExactly("name=IED1");
    }

    @Test
    void berRejectsLengthsBeyondTheLimit() {
        Ber ber = new Ber();
        byte[] b = HexFormat.of().parseHex("a0050201");
        assertThat(ber.read(b, 0, b.length)).isFalse();
        byte[] longTag = HexFormat.of().parseHex("bf8080808001");
        assertThat(ber.read(longTag, 0, longTag.length)).isFalse();
        byte[] ok = HexFormat.of().parseHex("bf4d00");
        assertThat(ber.read(ok, 0, ok.length)).isTrue();
        assertThat(ber.tag).isEqualTo(77);
    }
}
