package io.gridscout.protocols.goose;

import org.junit.jupiter.api.Tag;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.Mac;
import io.gridscout.protocols.testutil.Captures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class GooseProtocolTest {

    /** Frames as tshark sees them, VLAN tag stripped the way the pipeline does. */
    static GooseProtocol.Decoder replay(String pcap, List<Fact> facts) throws Exception {
        GooseProtocol.Decoder d = new GooseProtocol().newDecoder(facts::add);
        for (byte[] f : Captures.rawFrames(Captures.pcap(pcap), "goose or sv")) {
            int type = ((f[12] & 0xFF) << 8) | (f[13] & 0xFF), p = 14, vlan = -1;
            if (type == 0x8100) { vlan = ((f[14] & 0x0F) << 8) | (f[15] & 0xFF); type = ((f[16] & 0xFF) << 8) | (f[17] & 0xFF); p = 18; }
            d.onFrame(type, Mac.read(f, 6), Mac.read(f, 0), vlan, f, p, f.length - p, 1L);
        }
        return d;
    }

    @Tag(Captures.SHARED)
    @SuppressWarnings("unchecked")
    @ParameterizedTest
    @ValueSource(strings = {"goose-iti-Sample_File_GOOSE.pcap", "goose-mms-iti-Sample_File_MMS_and_GOOSE.pcap"})
    void everyTruthPublisherIsReported(String pcap) throws Exception {
        List<Fact> facts = new ArrayList<>();
        GooseProtocol.Decoder d = replay(pcap, facts);
        List<String> values = Captures.values(facts);
        Map<String, Object> truth = (Map<String, Object>) Captures.truth(pcap);
        List<Map<String, Object>> pubs = (List<Map<String, Object>>) ((Map<String, Object>) truth.get("goose")).get("publishers");
        assertThat(pubs).isNotEmpty();
        for (Map<String, Object> p : pubs) {
            String at = " @" + p.get("mac");
            assertThat(values).contains("gocbRef=" + p.get("gocbRef") + at, "goID=" + p.get("goID") + at, "datSet=" + p.get("datSet") + at,
                    "appId=" + Long.parseLong(((String) p.get("appid")).substring(2), 16) + at);
            for (Object c : (List<Object>) p.get("confRev")) assertThat(values).contains("confRev=" + c + at);
            for (Object v : (List<Object>) p.get("vlan_ids")) assertThat(values).contains("vlanId=" + v + at);
            String ld = ((String) p.get("gocbRef")).substring(0, ((String) p.get("gocbRef")).indexOf('/'));
            assertThat(values).contains("logicalDevice=" + ld + at, "name=" + ld.substring(0, ld.length() - 3) + at);
            assertThat(facts).anyMatch(f -> f instanceof Fact.Service s && s.role().equals("publisher")
                    && s.endpoint().mac() == Mac.parse((String) p.get("mac")) && s.protocol().equals("goose"));
        }
        assertThat(d.malformedCount()).isZero();
        assertThat(d.controlBlocks()).isEqualTo(pubs.size());
    }

    @Tag(Captures.SHARED)
    @Test
    void stNumChangesAreCountedNotEmitted() throws Exception {
        List<Fact> facts = new ArrayList<>();
        GooseProtocol.Decoder d = replay("goose-iti-Sample_File_GOOSE.pcap", facts);
        long changes = d.stNumChanges(Mac.parse("0a:bb:fe:10:c9:02"), 0x3001, "AA1C1Q01A1LD0/LLN0$GO$gcb_A");
        // oracle: distinct stNum transitions tshark shows for this publisher
        List<String[]> rows = Captures.tshark(Captures.pcap("goose-iti-Sample_File_GOOSE.pcap"), "eth.src==0a:bb:fe:10:c9:02", "goose.stNum");
        long expected = 0;
        for (int i = 1; i < rows.size(); i++) if (!rows.get(i)[0].equals(rows.get(i - 1)[0])) expected++;
        assertThat(changes).isEqualTo(expected);
        assertThat(facts.size()).isLessThan(40);
    }

    @Test
    void iedNameRule() {
        assertThat(GooseProtocol.iedName("AA1C1Q01A1LD0")).isEqualTo("AA1C1Q01A1");
        assertThat(GooseProtocol.iedName("IED1LD12")).isEqualTo("IED1");
        assertThat(GooseProtocol.iedName("E1Q1SB1CTRL")).isEqualTo("E1Q1SB1");
        assertThat(GooseProtocol.iedName("LD0")).isNull();
        assertThat(GooseProtocol.iedName("Relay7")).isNull();
    }

    @Test
    void sampledValuesFrameBuiltFromTheStandard() {
        // IEC 61850-9-2: savPdu 0x60 { noASDU 0x80, seqASDU 0xA2 { ASDU 0x30 { svID, smpCnt, confRev, smpSynch, seqData } } }
        byte[] svId = "MU01MU/LLN0$MS$smv1".getBytes();
        byte[] asdu = concat(new byte[] {(byte) 0x80, (byte) svId.length}, svId,
                new byte[] {(byte) 0x82, 2, 0, 5, (byte) 0x83, 4, 0, 0, 0, 7, (byte) 0x85, 1, 2, (byte) 0x87, 4, 1, 2, 3, 4});
        byte[] seq = concat(new byte[] {0x30, (byte) asdu.length}, asdu);
        byte[] pdu = concat(new byte[] {(byte) 0x80, 1, 1, (byte) 0xA2, (byte) seq.length}, seq);
        byte[] apdu = concat(new byte[] {0x60, (byte) pdu.length}, pdu);
        byte[] frame = concat(new byte[] {0x40, 0x00, 0, (byte) (8 + apdu.length), 0, 0, 0, 0}, apdu);
        List<Fact> facts = new ArrayList<>();
        GooseProtocol.Decoder d = new GooseProtocol().newDecoder(facts::add);
        long mac = Mac.parse("00:11:22:33:44:55");
        d.onFrame(GooseProtocol.ETHERTYPE_SV, mac, Mac.parse("01:0c:cd:04:00:01"), -1, frame, 0, frame.length, 5L);
        d.onFrame(GooseProtocol.ETHERTYPE_SV, mac, Mac.parse("01:0c:cd:04:00:01"), -1, frame, 0, frame.length, 6L);
        List<String> values = Captures.values(facts);
        assertThat(values).contains("svID=MU01MU/LLN0$MS$smv1 @00:11:22:33:44:55", "confRev=7 @00:11:22:33:44:55",
                "appId=16384 @00:11:22:33:44:55", "logicalDevice=MU01MU @00:11:22:33:44:55");
        assertThat(facts).anyMatch(f -> f instanceof Fact.Service s && s.protocol().equals("sv") && s.role().equals("publisher"));
        assertThat(values).hasSize(4 + 1); // + name (REPORTED: no ldInst suffix), nothing re-emitted for frame 2
        assertThat(d.malformedCount()).isZero();
    }

    @Test
    void controlBlockTableIsBounded() {
        List<Fact> facts = new ArrayList<>();
        GooseProtocol.Decoder d = new GooseProtocol().newDecoder(facts::add);
        for (int i = 0; i < GooseProtocol.MAX_CONTROL_BLOCKS + 10; i++) {
            byte[] ref = ("IED" + i + "LD0/LLN0$GO$g").getBytes();
            byte[] pdu = concat(new byte[] {(byte) 0x80, (byte) ref.length}, ref);
            byte[] frame = concat(new byte[] {0, 1, 0, (byte) (10 + pdu.length), 0, 0, 0, 0, 0x61, (byte) pdu.length}, pdu);
            d.onFrame(GooseProtocol.ETHERTYPE_GOOSE, i, -1, -1, frame, 0, frame.length, 1L);
        }
        assertThat(d.controlBlocks()).isLessThanOrEqualTo(GooseProtocol.MAX_CONTROL_BLOCKS);
        assertThat(d.evictions()).isEqualTo(GooseProtocol.MAX_CONTROL_BLOCKS);
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int o = 0;
        for (byte[] p : parts) { System.arraycopy(p, 0, out, o, p.length); o += p.length; }
        return out;
    }

    @FuzzTest(maxDuration = "10s")
    void fuzz(byte[] data) {
        GooseProtocol.Decoder d = new GooseProtocol().newDecoder(f -> { });
        d.onFrame(GooseProtocol.ETHERTYPE_GOOSE, 1, 2, -1, data, 0, data.length, 0);
        d.onFrame(GooseProtocol.ETHERTYPE_SV, 1, 2, 5, data, 0, data.length, 0);
    }
}
