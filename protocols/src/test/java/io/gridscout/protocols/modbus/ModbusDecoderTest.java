package io.gridscout.protocols.modbus;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gridscout.protocols.fact.Endpoint;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.IpAddr;
import io.gridscout.protocols.fact.OperationKind;
import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.ProtocolDecoder;
import io.gridscout.protocols.flow.RecordingSession;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.gridscout.protocols.testutil.Frames.concat;
import static io.gridscout.protocols.testutil.Frames.hex;
import static org.assertj.core.api.Assertions.assertThat;

class ModbusDecoderTest {
    // real bytes: pymodbus 3.0.0 server with Schneider-style device identification (testdata/pcaps/modbus-peer-mei-schneider-m340-pymodbus.pcap)
    static final byte[] MEI_REQ_BASIC = hex("000100000005ff2b0e0100");
    static final byte[] MEI_RSP_BASIC = hex("000100000031ff2b0e018300000300125363686e656964657220456c656374726963010c424d58205033342032303230020576332e3130");
    static final byte[] MEI_REQ_REGULAR = hex("000200000005ff2b0e0200");
    static final byte[] MEI_RSP_REGULAR = hex("000200000080ff2b0e028300000700125363686e656964657220456c656374726963010c424d58205033342032303230020576332e31300321687474703a2f2f7777772e7363686e65696465722d656c6563747269632e636f6d040c4d6f6469636f6e204d333430050c424d58205033342032303230060e50554d5053544154494f4e5f3037");
    static final byte[] MEI_REQ_EXTENDED = hex("000300000005ff2b0e0300");
    static final byte[] MEI_RSP_EXTENDED = hex("00030000009cff2b0e038300000900125363686e656964657220456c656374726963010c424d58205033342032303230020576332e31300321687474703a2f2f7777772e7363686e65696465722d656c6563747269632e636f6d040c4d6f6469636f6e204d333430050c424d58205033342032303230060e50554d5053544154494f4e5f30378010534e2032302e31342e32332e3034353181084857205056203036");
    static final byte[] MEI_REQ_INDIVIDUAL = hex("000400000005ff2b0e0405");
    static final byte[] MEI_RSP_INDIVIDUAL = hex("000400000016ff2b0e0483000001050c424d58205033342032303230");

    static final byte[] READ_HR_REQ = hex("000a00000006010300100002");
    static final byte[] READ_HR_RSP = hex("000a0000000701030400640065");

    private static RecordingSession session(int serverPort) {
        return RecordingSession.tcp("modbus", serverPort);
    }

    private static ProtocolDecoder decoder(RecordingSession s) {
        return new ModbusSpec().newDecoder(s);
    }

    private static List<String> identities(RecordingSession s) {
        List<String> out = new ArrayList<>();
        for (Fact.Identity i : s.factsOf(Fact.Identity.class)) out.add(i.name() + "=" + i.value() + " @" + i.endpoint().port() + " " + i.source());
        return out;
    }

    @Test
    void requestResponsePairingAndRanges() {
        RecordingSession s = session(502);
        ProtocolDecoder d = decoder(s);
        d.onData(0, READ_HR_REQ, 0, READ_HR_REQ.length, 1);
        d.onData(1, READ_HR_RSP, 0, READ_HR_RSP.length, 2);
        assertThat(s.serverSide()).isEqualTo(1);
        assertThat(s.operations).containsExactly(java.util.Map.entry("3 read_holding_registers read", 1L));
        assertThat(s.details).containsEntry("registersRead=unit 1 holding_registers 16-17", 1L);
        assertThat(s.malformed).isEmpty();
        List<Fact.Service> roles = s.factsOf(Fact.Service.class);
        assertThat(roles).extracting(r -> r.role() + "@" + r.endpoint().port()).containsExactlyInAnyOrder("server@502", "client@40000");
        assertThat(s.factsOf(Fact.ServiceDetail.class)).singleElement()
                .satisfies(sd -> { assertThat(sd.name()).isEqualTo("unitIds"); assertThat(sd.value()).isEqualTo(1L); assertThat(sd.endpoint().port()).isEqualTo(502); });
    }

    @Test
    void readDeviceIdentificationBasicRegularExtendedIndividual() {
        RecordingSession s = session(502);
        ProtocolDecoder d = decoder(s);
        for (byte[][] pair : new byte[][][] {{MEI_REQ_BASIC, MEI_RSP_BASIC}, {MEI_REQ_REGULAR, MEI_RSP_REGULAR},
                {MEI_REQ_EXTENDED, MEI_RSP_EXTENDED}, {MEI_REQ_INDIVIDUAL, MEI_RSP_INDIVIDUAL}}) {
            d.onData(0, pair[0], 0, pair[0].length, 1);
            d.onData(1, pair[1], 0, pair[1].length, 2);
        }
        assertThat(identities(s)).containsExactlyInAnyOrder(
                "vendor=Schneider Electric @502 modbus.mei", "productCode=BMX P34 2020 @502 modbus.mei", "firmware=v3.10 @502 modbus.mei",
                "vendorUrl=http://www.schneider-electric.com @502 modbus.mei", "productName=Modicon M340 @502 modbus.mei",
                "model=BMX P34 2020 @502 modbus.mei", "applicationName=PUMPSTATION_07 @502 modbus.mei",
                "mei.object.128=SN 20.14.23.0451 @502 modbus.mei", "mei.object.129=HW PV 06 @502 modbus.mei");
        assertThat(s.operations).containsExactly(java.util.Map.entry("43 read_device_identification read", 4L));
        assertThat(s.malformed).isEmpty();
    }

    @Test
    void meiMoreFollowsBrokenCountAndOverlongLastObject() {
        RecordingSession s = session(502);
        ProtocolDecoder d = decoder(s);
        // more follows = 0xFF, next object 2; object count says 9 but two objects follow; last length 0x40 runs past the PDU
        byte[] pdu = concat(hex("2b0e01 01 ff 02 09"), hex("0006"), "ACME-X".getBytes(), hex("0140"), "M-1000".getBytes());
        byte[] rsp = concat(hex("0007 0000"), new byte[] {0, (byte) (pdu.length + 1), 1}, pdu);
        d.onData(0, hex("000700000005012b0e0100"), 0, 11, 1);
        d.onData(1, rsp, 0, rsp.length, 2);
        assertThat(identities(s)).containsExactly("vendor=ACME-X @502 modbus.mei", "productCode=M-1000 @502 modbus.mei");
        // too short for the fixed part: malformed, no exception
        byte[] shortRsp = hex("000800000005012b0e0101");
        d.onData(1, shortRsp, 0, shortRsp.length, 3);
        assertThat(s.malformed).containsExactly("short read device identification response");
    }

    @Test
    void reportServerId() {
        RecordingSession s = session(502);
        ProtocolDecoder d = decoder(s);
        byte[] req = hex("00050000000201" + "11");
        byte[] data = concat(hex("4aff"), "Acme PLC-5".getBytes());
        byte[] rsp = concat(hex("0005 0000"), new byte[] {0, (byte) (data.length + 3), 1, 0x11, (byte) data.length}, data);
        d.onData(0, req, 0, req.length, 1);
        d.onData(1, rsp, 0, rsp.length, 2);
        assertThat(identities(s)).containsExactly("serverId=4aff41636d6520504c432d35 @502 modbus.fc17", "serverIdText=J\u00ffAcme PLC-5 @502 modbus.fc17");
        assertThat(s.operations).containsKey("17 report_server_id read");
    }

    @Test
    void exceptionResponses() {
        RecordingSession s = session(502);
        ProtocolDecoder d = decoder(s);
        d.onData(0, READ_HR_REQ, 0, READ_HR_REQ.length, 1);
        byte[] ex = hex("000a00000003018302");
        d.onData(1, ex, 0, ex.length, 2);
        assertThat(s.details).containsEntry("exception=02 illegal data address", 1L);
        byte[] shortEx = hex("000b000000020183");
        d.onData(1, shortEx, 0, shortEx.length, 3);
        assertThat(s.malformed).containsExactly("short exception response");
    }

    @Test
    void functionCodeNamesAndKinds() {
        Object[][] expected = {{1, "read_coils", OperationKind.READ}, {2, "read_discrete_inputs", OperationKind.READ},
                {3, "read_holding_registers", OperationKind.READ}, {4, "read_input_registers", OperationKind.READ},
                {5, "write_single_coil", OperationKind.WRITE}, {6, "write_single_register", OperationKind.WRITE},
                {7, "read_exception_status", OperationKind.READ}, {8, "diagnostics", OperationKind.DIAGNOSTIC},
                {11, "get_comm_event_counter", OperationKind.DIAGNOSTIC}, {12, "get_comm_event_log", OperationKind.DIAGNOSTIC},
                {15, "write_multiple_coils", OperationKind.WRITE}, {16, "write_multiple_registers", OperationKind.WRITE},
                {17, "report_server_id", OperationKind.READ}, {20, "read_file_record", OperationKind.READ},
                {21, "write_file_record", OperationKind.WRITE}, {22, "mask_write_register", OperationKind.WRITE},
                {23, "read_write_multiple_registers", OperationKind.WRITE}, {24, "read_fifo_queue", OperationKind.READ},
                {43, "encapsulated_interface_transport", OperationKind.OTHER}, {90, "umas", OperationKind.OTHER},
                {125, "schneider_program_125", OperationKind.PROGRAM}, {126, "schneider_program_126", OperationKind.PROGRAM},
                {99, "fc_99", OperationKind.OTHER}};
        for (Object[] e : expected) {
            int fc = (Integer) e[0];
            assertThat(ModbusFunctions.name(fc)).isEqualTo(e[1]);
            assertThat(ModbusFunctions.name(fc | 0x80)).isEqualTo(e[1]);
            assertThat(ModbusFunctions.kind(fc)).isEqualTo(e[2]);
        }
        // and as operations from requests on the wire (short PDUs for the ones with sub-functions)
        RecordingSession s = session(502);
        ProtocolDecoder d = decoder(s);
        int tid = 1;
        for (Object[] e : expected) {
            int fc = (Integer) e[0];
            if (fc == 8 || fc == 43 || fc == 90) continue;
            byte[] req = {0, (byte) tid++, 0, 0, 0, 6, 1, (byte) fc, 0, 0, 0, 1};
            d.onData(0, req, 0, req.length, 1);
            assertThat(s.operations).containsKey(fc + " " + e[1] + " " + ((OperationKind) e[2]).label());
        }
    }

    @Test
    void diagnosticsForceListenOnlyAndUmasSubFunctions() {
        RecordingSession s = session(502);
        ProtocolDecoder d = decoder(s);
        byte[][] reqs = {hex("000100000006010800040000"), hex("000200000006010800000000"),
                hex("0003000000040115a040"), hex("0004000000040115a041"), hex("00050000000a0115a034000100000000"),
                hex("0006000000040115a022")};
        for (byte[] r : reqs) {
            r[7] = r[7] == 0x15 ? 0x5A : r[7];
            d.onData(0, r, 0, r.length, 1);
        }
        assertThat(s.operations).containsOnlyKeys("8 diagnostics:force_listen_only CONTROL".replace("CONTROL", OperationKind.CONTROL.label()),
                "8 diagnostics:return_query_data " + OperationKind.DIAGNOSTIC.label(),
                "90 umas:start_plc " + OperationKind.CONTROL.label(), "90 umas:stop_plc " + OperationKind.CONTROL.label(),
                "90 umas:download_block " + OperationKind.PROGRAM.label(), "90 umas:read_variables " + OperationKind.READ.label());
        assertThat(s.malformed).isEmpty();
    }

    @Test
    void directionDecidedByPairingWithoutSynOrPort502() {
        RecordingSession s = new RecordingSession("modbus", Transport.TCP,
                new Endpoint(2, IpAddr.parse("10.0.0.2"), 5020), new Endpoint(1, IpAddr.parse("10.0.0.1"), 40000));
        ProtocolDecoder d = decoder(s);
        // the capture starts with a response from side 0 (the server), then the next request from side 1
        byte[] rsp0 = hex("00090000000701030400010002");
        d.onData(0, rsp0, 0, rsp0.length, 1);
        d.onData(1, READ_HR_REQ, 0, READ_HR_REQ.length, 2);
        assertThat(s.serverSide()).isEqualTo(-1);
        d.onData(0, READ_HR_RSP, 0, READ_HR_RSP.length, 3);
        assertThat(s.serverSide()).isZero();
        assertThat(s.factsOf(Fact.Service.class)).extracting(r -> r.role() + "@" + r.endpoint().port())
                .containsExactlyInAnyOrder("server@5020", "client@40000");
        // one request before the capture started (known from its response) and one seen
        assertThat(s.operations).containsExactly(java.util.Map.entry("3 read_holding_registers read", 2L));
    }

    @Test
    void specMatchesOnlyModbusOffPort() {
        ModbusSpec spec = new ModbusSpec();
        byte[] two = concat(READ_HR_REQ, MEI_REQ_BASIC);
        assertThat(spec.matches(two, 0, two.length, false, Transport.TCP)).isTrue();
        byte[] http = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes();
        assertThat(spec.matches(http, 0, http.length, false, Transport.TCP)).isFalse();
        byte[] tls = hex("160301020001000200030300000000000000");
        assertThat(spec.matches(tls, 0, tls.length, false, Transport.TCP)).isFalse();
        byte[] unknownFc = hex("000100000006016300000001");
        assertThat(spec.matches(unknownFc, 0, unknownFc.length, false, Transport.TCP)).isFalse();
        assertThat(spec.matches(unknownFc, 0, unknownFc.length, true, Transport.TCP)).isTrue();
        byte[] partial = Arrays.copyOf(READ_HR_REQ, 10);
        assertThat(spec.matches(partial, 0, partial.length, false, Transport.TCP)).isFalse();
        for (int n = 0; n < 8; n++) assertThat(spec.matches(READ_HR_REQ, 0, n, true, Transport.TCP)).isFalse();
    }

    @Test
    void lyingLengthFieldsAreMalformed() {
        RecordingSession s = session(502);
        ProtocolDecoder d = decoder(s);
        byte[] tooLong = hex("00010000ffff01030000");
        d.onData(0, tooLong, 0, tooLong.length, 1);
        byte[] tooShort = hex("000100000001 01");
        d.onData(0, tooShort, 0, tooShort.length, 1);
        byte[] badProto = hex("000100070006010300000001");
        d.onData(0, badProto, 0, badProto.length, 1);
        assertThat(s.malformed).containsExactly("MBAP length out of range", "MBAP length out of range", "MBAP protocol id not 0");
        // a header split across segments that turns out broken
        d.onData(0, hex("0001"), 0, 2, 1);
        d.onData(0, hex("0000fff0"), 0, 4, 1);
        assertThat(s.malformed).hasSize(4);
        // after all that, a good ADU decodes
        d.onData(0, READ_HR_REQ, 0, READ_HR_REQ.length, 1);
        assertThat(s.operations).containsKey("3 read_holding_registers read");
    }

    /** Facts and counters of a session in a comparable form. */
    private static String summary(RecordingSession s) {
        return s.facts + "|" + s.operations + "|" + s.details + "|" + s.malformed + "|" + s.serverSide();
    }

    @Test
    void everySplitPointOfTwoAdusGivesIdenticalFacts() {
        byte[] c2s = concat(READ_HR_REQ, MEI_REQ_EXTENDED), s2c = concat(READ_HR_RSP, MEI_RSP_EXTENDED);
        RecordingSession whole = session(502);
        ProtocolDecoder w = decoder(whole);
        w.onData(0, c2s, 0, c2s.length, 1);
        w.onData(1, s2c, 0, s2c.length, 1);
        assertThat(whole.malformed).isEmpty();
        assertThat(identities(whole)).hasSize(9);
        for (int cut = 0; cut <= s2c.length; cut++) {
            RecordingSession s = session(502);
            ProtocolDecoder d = decoder(s);
            int c = Math.min(cut, c2s.length);
            d.onData(0, c2s, 0, c, 1);
            d.onData(0, c2s, c, c2s.length - c, 1);
            d.onData(1, s2c, 0, cut, 1);
            d.onData(1, s2c, cut, s2c.length - cut, 1);
            assertThat(summary(s)).as("split at %d", cut).isEqualTo(summary(whole));
        }
        // byte by byte, and many ADUs in one segment
        RecordingSession s = session(502);
        ProtocolDecoder d = decoder(s);
        for (int i = 0; i < c2s.length; i++) d.onData(0, c2s, i, 1, 1);
        for (int i = 0; i < s2c.length; i++) d.onData(1, s2c, i, 1, 1);
        assertThat(summary(s)).isEqualTo(summary(whole));
    }

    @Test
    void severalAdusPerSegment() {
        RecordingSession s = session(502);
        ProtocolDecoder d = decoder(s);
        byte[] many = new byte[0];
        for (int i = 0; i < 20; i++) {
            byte[] r = READ_HR_REQ.clone();
            r[1] = (byte) i;
            many = concat(many, r);
        }
        d.onData(0, many, 0, many.length, 1);
        assertThat(s.operations).containsExactly(java.util.Map.entry("3 read_holding_registers read", 20L));
    }

    @FuzzTest(maxDuration = "10s")
    void fuzz(byte[] data) {
        RecordingSession s = data.length > 0 && (data[0] & 1) == 1 ? session(502)
                : new RecordingSession("modbus", Transport.TCP, new Endpoint(1, IpAddr.parse("10.0.0.1"), 1000), new Endpoint(2, IpAddr.parse("10.0.0.2"), 2000));
        ProtocolDecoder d = decoder(s);
        // segment boundaries and sides from the input itself: [side|len] then len bytes
        int p = 1;
        while (p < data.length) {
            int ctl = data[p] & 0xFF, side = ctl >>> 7, len = Math.min(ctl & 0x7F, data.length - p - 1);
            if (ctl == 0x7F) d.onGap(side, 1);
            else d.onData(side, data, p + 1, len, 1);
            p += 1 + len;
        }
        d.onClose(2);
        assertThat(s.malformed.size()).isLessThanOrEqualTo(data.length);
    }
}
