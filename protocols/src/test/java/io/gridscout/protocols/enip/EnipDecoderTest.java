package io.gridscout.protocols.enip;

import org.junit.jupiter.api.Tag;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.RecordingSession;
import io.gridscout.protocols.testutil.Captures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class EnipDecoderTest {

    @Tag(Captures.SHARED)
    @SuppressWarnings("unchecked")
    @ParameterizedTest
    @ValueSource(strings = {"enip-cisagov-enip_cip_example.pcap", "enip-iti-EIP-IPAddressChangeAttempt.pcap", "enip-iti-EIP-SoftwareUpload.pcap"})
    void truthIdentitiesAreReported(String pcap) throws Exception {
        List<RecordingSession> sessions = Captures.replay(Captures.pcap(pcap), "enip", new EnipSpec());
        List<Fact> facts = Captures.facts(sessions);
        List<String> values = Captures.values(facts);
        Map<String, Object> truth = (Map<String, Object>) ((Map<String, Object>) Captures.truth(pcap)).get("enip");
        for (var e : ((Map<String, Object>) truth.get("list_identity")).entrySet()) {
            for (Map<String, Object> id : (List<Map<String, Object>>) e.getValue()) {
                String at = " @" + e.getKey();
                assertThat(values).contains("model=" + id.get("product_name") + at, "serial=" + id.get("serial") + at,
                        "vendorId=" + id.get("vendor_id") + at, "productCode=" + id.get("product_code") + at,
                        "ipAddress=" + id.get("socket_addr") + at);
                int rev = Integer.parseInt((String) id.get("revision")); // tshark shows major.minor bytes as one big-endian number
                assertThat(values).contains("firmware=" + (rev >> 8) + "." + (rev & 0xFF) + at);
            }
        }
        for (var e : ((Map<String, Object>) truth.get("cip_identity")).entrySet()) {
            for (Map<String, Object> id : (List<Map<String, Object>>) e.getValue()) {
                // routed through Unconnected Send: module details of the responder; direct: identity attributes
                assertThat(values).anyMatch(v -> v.endsWith(" @" + e.getKey())
                        && (v.equals("model=" + id.get("product_name") + " @" + e.getKey())
                        || v.startsWith("modules=") && v.contains(" " + id.get("product_name") + ";")
                        && v.contains("serial=" + id.get("serial")) && v.contains("revision=" + id.get("revision"))
                        && v.contains("vendorId=" + id.get("vendor_id") + ";")));
            }
        }
        for (Map<String, Object> ep : (List<Map<String, Object>>) truth.get("endpoints")) {
            if (ep.get("port") == null) continue;
            String role = (String) ep.get("role");
            assertThat(facts).as("%s %s", ep, role).anyMatch(f -> f instanceof Fact.Service s && s.role().equals(role)
                    && s.endpoint().toString().equals(ep.get("ip") + ":" + ep.get("port")));
        }
        for (RecordingSession s : sessions) assertThat(s.malformed).as(pcap).isEmpty();
    }

    @Tag(Captures.SHARED)
    @Test
    void cipServicesAreOperations() throws Exception {
        List<RecordingSession> sessions = Captures.replay(Captures.pcap("enip-iti-EIP-IPAddressChangeAttempt.pcap"), "enip", new EnipSpec());
        long getAll = 0;
        for (RecordingSession s : sessions) getAll += s.operations.getOrDefault("1 GET_ATTRIBUTES_ALL read", 0L);
        // oracle: tshark's count of Get_Attributes_All requests (direct and inside Unconnected Send)
        List<String[]> rows = Captures.tshark(Captures.pcap("enip-iti-EIP-IPAddressChangeAttempt.pcap"),
                "cip.service == 0x01 and not tcp.analysis.retransmission", "frame.number");
        assertThat(getAll).isEqualTo(rows.size());
        List<RecordingSession> upload = Captures.replay(Captures.pcap("enip-cisagov-enip_cip_example.pcap"), "enip", new EnipSpec());
        assertThat(upload).anyMatch(s -> s.operations.keySet().stream().anyMatch(k -> k.startsWith("3 GET_ATTRIBUTE_LIST")));
    }

    /** SendRRData (0x6F) carrying one unconnected CIP request: null address item, unconnected data item. */
    static byte[] sendRRData(byte[] cip) {
        byte[] items = io.gridscout.protocols.testutil.L2Frames.bytes()
                .b(0, 0, 0, 0).b(0, 0).b(2, 0).b(0, 0).b(0, 0).b(0xB2, 0).b(cip.length & 0xFF, cip.length >> 8).raw(cip).bytes();
        return io.gridscout.protocols.testutil.L2Frames.bytes()
                .b(0x6F, 0).b(items.length & 0xFF, items.length >> 8).b(0x01, 0x02, 0x03, 0x04).zeros(4).zeros(8).zeros(4)
                .raw(items).bytes();
    }

    @Test
    void logixProgramObjectServicesAreProgram() throws Exception {
        // 0x4F to class 0x6A instance 0x1BFA (16-bit instance segment), as RSLogix's upload sends it
        byte[] upload = sendRRData(io.gridscout.protocols.testutil.Frames.hex("4f 03 20 6a 25 00 fa 1b 00 00 00 00"));
        // Read Template (0x4C) on class 0x6C, as tag-reading HMIs send it: not programming
        byte[] template = sendRRData(io.gridscout.protocols.testutil.Frames.hex("4c 03 20 6c 25 00 34 12 00 00 00 00"));
        RecordingSession s = RecordingSession.tcp("enip", 44818);
        EnipDecoder d = new EnipDecoder(s);
        d.onData(0, upload, 0, upload.length, 0);
        d.onData(0, template, 0, template.length, 0);
        assertThat(s.operations).containsEntry("79 LOGIX_PROGRAM_OBJECT program", 1L);
        assertThat(s.operations.keySet()).noneMatch(k -> k.startsWith("76 ") && k.endsWith("program"));
        assertThat(s.malformed).isEmpty();
    }

    @Tag(Captures.SHARED)
    @Test
    void rsLogixUploadIsProgramming() throws Exception {
        java.nio.file.Path pcap = Captures.pcap("enip-iti-EIP-SoftwareUpload.pcap");
        List<RecordingSession> sessions = Captures.replay(pcap, "enip", new EnipSpec());
        long program = 0;
        for (RecordingSession s : sessions) program += s.operations.getOrDefault("79 LOGIX_PROGRAM_OBJECT program", 0L);
        // oracle: tshark's count of 0x4F requests (all of them address class 0x6A in this capture)
        List<String[]> rows = Captures.tshark(pcap, "cip.sc == 0x4f && ip.src == 192.168.10.105 && !tcp.analysis.retransmission",
                "frame.number");
        assertThat(rows).isNotEmpty();
        assertThat(program).isEqualTo(rows.size());
    }

    @Test
    void vendorTable() {
        assertThat(EnipDecoder.CIP_VENDORS.name(1)).isEqualTo("Rockwell Automation/Allen-Bradley");
        assertThat(EnipDecoder.CIP_VENDORS.size()).isGreaterThan(1000);
        assertThat(EnipDecoder.hex32(0x0051aec3L)).isEqualTo("0x0051aec3");
    }

    /** A ListIdentity reply with one identity item for 10.0.0.7 (sockaddr big-endian, the rest little-endian). */
    static byte[] listIdentityReply(int lastOctet) {
        byte[] name = "1756-L61".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        byte[] item = io.gridscout.protocols.testutil.L2Frames.bytes()
                .b(1, 0).b(0, 2).b(0xAF, 0x12).b(10, 0, 0, lastOctet).zeros(8)      // version, sockaddr
                .b(1, 0).b(0x0E, 0).b(0x36, 0).b(20, 11).b(0x60, 0x30).b(0xC3, 0xAE, 0x51, 0)
                .b(name.length).raw(name).b(3).bytes();
        byte[] data = io.gridscout.protocols.testutil.L2Frames.bytes()
                .b(1, 0).b(0x0C, 0).b(item.length & 0xFF, item.length >> 8).raw(item).bytes();
        return io.gridscout.protocols.testutil.L2Frames.bytes()
                .b(0x63, 0).b(data.length & 0xFF, data.length >> 8).zeros(4).zeros(4).zeros(8).zeros(4).raw(data).bytes();
    }

    /**
     * Scanners poll ListIdentity again and again: each identity attribute, the stated IP address included, is
     * reported once, and only a changed address is reported again (it was reported for every reply: 431k facts
     * on a 10M-packet mix, where vendor and serial gave 1k).
     */
    @Test
    void repeatedListIdentityRepliesReportTheAddressOnce() {
        RecordingSession udp = new RecordingSession("enip", Transport.UDP,
                RecordingSession.tcp("enip", 44818).endpoint(0), RecordingSession.tcp("enip", 44818).endpoint(1));
        EnipDecoder d = new EnipDecoder(udp);
        byte[] reply = listIdentityReply(7);
        for (int i = 0; i < 5; i++) d.onData(1, reply, 0, reply.length, i);
        List<String> values = Captures.values(udp.facts);
        assertThat(values.stream().filter(v -> v.startsWith("ipAddress=10.0.0.7 "))).hasSize(1);
        assertThat(values.stream().filter(v -> v.startsWith("serial=0x0051aec3 "))).hasSize(1);
        assertThat(values.stream().filter(v -> v.startsWith("model=1756-L61 "))).hasSize(1);
        byte[] moved = listIdentityReply(8);
        d.onData(1, moved, 0, moved.length, 9);
        assertThat(Captures.values(udp.facts).stream().filter(v -> v.startsWith("ipAddress="))).hasSize(2);
        assertThat(udp.malformed).isEmpty();
    }

    @FuzzTest(maxDuration = "10s")
    void fuzz(byte[] data) {
        RecordingSession tcp = RecordingSession.tcp("enip", 44818);
        EnipDecoder d = new EnipDecoder(tcp);
        d.onData(0, data, 0, data.length, 0);
        d.onData(1, data, 0, data.length, 0);
        RecordingSession udp = new RecordingSession("enip", Transport.UDP, tcp.endpoint(0), tcp.endpoint(1));
        new EnipDecoder(udp).onData(1, data, 0, data.length, 0);
        new EnipSpec().matches(data, 0, data.length, true, Transport.TCP);
    }
}
