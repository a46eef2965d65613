package io.gridscout.protocols.goose;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gridscout.protocols.Protocols;
import io.gridscout.protocols.fact.Endpoint;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.IpAddr;
import io.gridscout.protocols.fact.Mac;
import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.RecordingSession;
import io.gridscout.protocols.testutil.Captures;
import io.gridscout.protocols.testutil.L2Frames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Routable GOOSE/SV datagrams built byte by byte from IEC 61850-90-5 (session protocol over CLTP, UDP 102). */
class RGooseDecoderTest {
    static final String MAC = "00:1b:54:10:20:30";
    static final String IP = "10.61.85.7";
    static final String GOCB = "PVP07F01PROT/LLN0$GO$Trip1";

    static L2Frames.Bytes tlv(L2Frames.Bytes b, int tag, byte[] v) {
        return b.b(tag, v.length).raw(v);
    }

    /** goosePdu 0x61 { gocbRef 80, timeAllowedtoLive 81, datSet 82, goID 83, t 84, stNum 85, sqNum 86, simulation 87,
     *  confRev 88, ndsCom 89, numDatSetEntries 8A, allData AB { boolean 83 } } */
    static byte[] goosePdu(int stNum, int sqNum) {
        L2Frames.Bytes b = L2Frames.bytes();
        tlv(b, 0x80, GOCB.getBytes());
        tlv(b, 0x81, new byte[] {0x07, (byte) 0xD0});
        tlv(b, 0x82, "PVP07F01PROT/LLN0$TripDs".getBytes());
        tlv(b, 0x83, "F01Trip".getBytes());
        tlv(b, 0x84, new byte[] {0x65, 0x25, 0x17, (byte) 0xAC, 0, 0, 0, 0x0A});
        tlv(b, 0x85, new byte[] {(byte) stNum});
        tlv(b, 0x86, new byte[] {(byte) sqNum});
        tlv(b, 0x87, new byte[] {0});
        tlv(b, 0x88, new byte[] {3});
        tlv(b, 0x89, new byte[] {0});
        tlv(b, 0x8A, new byte[] {1});
        tlv(b, 0xAB, new byte[] {(byte) 0x83, 1, 1});
        byte[] body = b.bytes();
        return L2Frames.bytes().b(0x61, 0x81, body.length).raw(body).bytes();
    }

    /** savPdu 0x60 { noASDU 80, seqASDU A2 { ASDU 30 { svID 80, datSet 81, smpCnt 82, confRev 83, smpSynch 85, seqData 87 } } } */
    static byte[] savPdu() {
        L2Frames.Bytes a = L2Frames.bytes();
        tlv(a, 0x80, "PVP07MU01/LLN0$MS$smv1".getBytes());
        tlv(a, 0x81, "PVP07MU01/LLN0$PhsMeas1".getBytes());
        tlv(a, 0x82, new byte[] {0, 5});
        tlv(a, 0x83, new byte[] {0, 0, 0, 2});
        tlv(a, 0x85, new byte[] {2});
        tlv(a, 0x87, new byte[] {1, 2, 3, 4, 0, 0, 0, 0});
        byte[] asdu = L2Frames.bytes().b(0x30, a.size()).raw(a.bytes()).bytes();
        byte[] seq = L2Frames.bytes().b(0xA2, asdu.length).raw(asdu).bytes();
        byte[] body = L2Frames.bytes().b(0x80, 1, 1).raw(seq).bytes();
        return L2Frames.bytes().b(0x60, body.length).raw(body).bytes();
    }

    /**
     * CLTP UD (01 40), session identifier, LI, common header (0x80, LI=21+IV, SPDU length, SPDU number, version 2,
     * time of current key, time of next key, key id, IV length, IV), payload length, one payload entry (tag,
     * simulation, APPID, APDU length, APDU), optional signature (0x85, length, HMAC).
     */
    static byte[] spdu(int si, int tag, int appId, byte[] apdu, int keyId, byte[] signature) {
        byte[] entry = L2Frames.bytes().b(tag, 0).u16(appId).u16(apdu.length).raw(apdu).bytes();
        L2Frames.Bytes afterLen = L2Frames.bytes().u32(7).u16(2).u32(0x65251700).u16(60).u32(keyId).b(0)
                .u32(entry.length).raw(entry);
        byte[] rest = afterLen.bytes();
        L2Frames.Bytes b = L2Frames.bytes().b(0x01, 0x40, si, 23, 0x80, 21).u32(rest.length).raw(rest);
        if (signature != null) b.b(0x85, signature.length).raw(signature);
        return b.bytes();
    }

    static byte[] udp(byte[] payload) {
        return L2Frames.udp(MAC, "01:00:5e:00:00:01", IP, 51766, "232.0.0.1", 102, payload);
    }

    @Test
    void routableGooseIsTheSendersPublisher(@TempDir Path tmp) throws Exception {
        byte[] hmac = new byte[16];
        for (int i = 0; i < hmac.length; i++) hmac[i] = (byte) (0xA0 + i);
        List<byte[]> frames = List.of(
                udp(spdu(0xA1, 0x81, 0x3001, goosePdu(1, 0), 0, null)),
                udp(spdu(0xA1, 0x81, 0x3001, goosePdu(1, 1), 0x01020304, hmac)),
                udp(spdu(0xA1, 0x81, 0x3001, goosePdu(2, 0), 0x01020304, hmac)));
        List<Fact> facts = L2Frames.run(Protocols.ipProtocols(), Protocols.etherTypeProtocols(), frames);
        Endpoint pub = new Endpoint(Mac.parse(MAC), IpAddr.parse(IP), 0);
        List<String> got = new ArrayList<>();
        for (Fact f : facts) {
            if (f instanceof Fact.Service s && s.protocol().equals("goose")) {
                got.add(s.role() + " " + s.transport() + " @" + s.endpoint());
                assertThat(s.endpoint()).isEqualTo(pub);
            } else if (f instanceof Fact.ServiceDetail d && d.protocol().equals("goose")) {
                assertThat(d.endpoint()).isEqualTo(pub);
                assertThat(d.transport()).isEqualTo(Transport.UDP);
                got.add(d.name() + "=" + d.value());
            } else if (f instanceof Fact.Identity i && i.source().equals("goose")) {
                assertThat(i.endpoint()).isEqualTo(pub);
                got.add(i.name() + "=" + i.value());
            }
        }
        assertThat(got).containsExactlyInAnyOrder("publisher UDP @" + IP, "gocbRef=" + GOCB, "appId=" + 0x3001,
                "datSet=PVP07F01PROT/LLN0$TripDs", "goID=F01Trip", "confRev=3", "logicalDevice=PVP07F01PROT", "name=PVP07F01",
                "security=none", "security=keyId", "security=signature");
        assertThat(facts).noneMatch(f -> f instanceof Fact.Malformed);

        // oracle: tshark decodes the same datagrams as CLTP -> R-GOOSE -> GOOSE with the same control block
        Path pcap = L2Frames.writePcap(tmp, "rgoose.pcap", frames);
        List<String[]> rows = Captures.tshark(pcap, "goose.gocbRef", "ip.src", "cltp.type", "goose.gocbRef", "goose.datSet", "goose.goID",
                "goose.confRev", "goose.stNum");
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0)).containsExactly(IP, "0x04", GOCB, "PVP07F01PROT/LLN0$TripDs", "F01Trip", "3", "1");
        assertThat(rows.get(2)[6]).isEqualTo("2");
        // tshark 4.0 shows everything after the payload as rgoose.hmac (our 0x85 tag, length, then the HMAC)
        List<String[]> sec = Captures.tshark(pcap, "goose.gocbRef", "rgoose.key_id", "rgoose.hmac");
        assertThat(sec.get(0)[0]).isEqualTo("0x00000000");
        assertThat(sec.get(0).length < 2 || sec.get(0)[1].isEmpty()).isTrue();
        assertThat(sec.get(1)).containsExactly("0x01020304", "8510a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
        assertThat(Captures.run("-r", pcap.toString(), "-Y", "_ws.malformed || _ws.expert.severity >= 0x00600000")).isEmpty();
    }

    @Test
    void routableSampledValues() {
        RecordingSession s = new RecordingSession("rgoose", Transport.UDP, new Endpoint(Mac.parse(MAC), IpAddr.parse(IP), 51766),
                new Endpoint(Mac.NONE, IpAddr.parse("232.0.0.2"), 102));
        RGooseDecoder d = new RGooseDecoder(s);
        byte[] dg = spdu(0xA2, 0x82, 0x4001, savPdu(), 0, null);
        assertThat(new RGooseSpec().matches(dg, 0, dg.length, false, Transport.UDP)).isTrue();
        d.onData(0, dg, 0, dg.length, 1);
        d.onData(0, dg, 0, dg.length, 2);
        assertThat(Captures.values(s.facts)).containsExactlyInAnyOrder("svID=PVP07MU01/LLN0$MS$smv1 @" + IP,
                "datSet=PVP07MU01/LLN0$PhsMeas1 @" + IP, "appId=16385 @" + IP, "confRev=2 @" + IP, "logicalDevice=PVP07MU01 @" + IP,
                "name=PVP07MU01 @" + IP, "security=none @" + IP);
        assertThat(s.facts).anyMatch(f -> f instanceof Fact.Service sv && sv.protocol().equals("sv") && sv.role().equals("publisher"));
        assertThat(s.malformed).isEmpty();
    }

    @Test
    void badLengthsAreMalformedNotThrown() {
        RecordingSession s = RecordingSession.tcp("rgoose", 102);
        RGooseDecoder d = new RGooseDecoder(s);
        byte[] dg = spdu(0xA1, 0x81, 1, goosePdu(1, 0), 0, null);
        for (int cut = 0; cut < dg.length; cut++) d.onData(0, dg, 0, cut, cut);
        assertThat(s.malformed).isNotEmpty();
        assertThat(new RGooseSpec().matches(dg, 0, 10, true, Transport.UDP)).isFalse();
    }

    @Test
    void controlBlocksPerSenderAreBounded() {
        RecordingSession s = RecordingSession.tcp("rgoose", 102);
        RGooseDecoder d = new RGooseDecoder(s);
        for (int i = 0; i < RGooseDecoder.MAX_CONTROL_BLOCKS * 3; i++) {
            byte[] dg = spdu(0xA1, 0x81, i, goosePdu(1, 0), 0, null);
            d.onData(0, dg, 0, dg.length, i);
        }
        assertThat(s.factsOf(Fact.Service.class)).hasSize(RGooseDecoder.MAX_CONTROL_BLOCKS * 3); // one per block, resets re-learn
        assertThat(s.malformed).isEmpty();
    }

    @FuzzTest(maxDuration = "10s")
    void fuzz(byte[] data) {
        RecordingSession s = RecordingSession.tcp("rgoose", 102);
        new RGooseDecoder(s).onData(0, data, 0, data.length, 0);
        new RGooseSpec().matches(data, 0, data.length, true, Transport.UDP);
        if (data.length > 6) {
            byte[] framed = spdu(0xA1, 0x81, 1, data, 0, null); // valid session around arbitrary APDU bytes
            new RGooseDecoder(s).onData(0, framed, 0, framed.length, 0);
        }
    }
}
