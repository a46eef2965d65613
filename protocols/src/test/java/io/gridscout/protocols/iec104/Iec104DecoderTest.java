package io.gridscout.protocols.iec104;

import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.RecordingSession;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/** Frames built from IEC 60870-5-104 (APCI, 2-octet COT, 2-octet CA, 3-octet IOA) and real ones from the captures. */
class Iec104DecoderTest {
    private static final Iec104Spec SPEC = new Iec104Spec();

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    /** I-format APDU with send/receive sequence 0 and the given ASDU. */
    private static byte[] iFrame(int type, int cot, int ca, String objects) {
        byte[] obj = hex(objects);
        byte[] a = new byte[12 + obj.length];
        a[0] = 0x68;
        a[1] = (byte) (a.length - 2);
        a[6] = (byte) type;
        a[7] = 1;
        a[8] = (byte) cot;
        a[10] = (byte) ca;
        a[11] = (byte) (ca >> 8);
        System.arraycopy(obj, 0, a, 12, obj.length);
        return a;
    }

    @Test
    void startdtFromSide1MakesSide0TheServer() {
        RecordingSession s = RecordingSession.tcp("iec104", 2404);
        Iec104Decoder d = new Iec104Decoder(s);
        // a controlled station that connects out (side 0) and is activated by the controlling station (side 1)
        d.onData(1, hex("680407000000"), 0, 6, 1);
        d.onData(0, hex("68040b000000"), 0, 6, 2);
        assertThat(s.serverSide()).isEqualTo(0);
        assertThat(s.factsOf(Fact.Service.class)).extracting(f -> f.endpoint().port() + " " + f.role())
                .containsExactlyInAnyOrder("40000 server", "2404 client");
    }

    @Test
    void commandsAreOperationsWithTheirKinds() {
        RecordingSession s = RecordingSession.tcp("iec104", 2404);
        Iec104Decoder d = new Iec104Decoder(s);
        feed(d, 0, iFrame(105, 6, 7, "00000001"));          // C_RP_NA_1 reset process, QRP 1
        feed(d, 0, iFrame(50, 6, 7, "a00f000000803f00"));   // C_SE_NC_1 float setpoint
        feed(d, 0, iFrame(102, 5, 7, "e80300"));            // C_RD_NA_1 read, COT request
        feed(d, 0, iFrame(104, 6, 7, "00000055aa"));        // C_TS_NA_1 test command
        feed(d, 0, iFrame(45, 8, 7, "a00f0001"));           // C_SC_NA_1 deactivation: not an operation
        feed(d, 1, iFrame(105, 7, 7, "00000001"));          // actcon from the outstation
        feed(d, 1, iFrame(122, 13, 7, "0100000100000000"));  // F_SC_NA_1 from the outstation: not counted
        feed(d, 0, iFrame(122, 13, 7, "0100000100000000"));  // F_SC_NA_1 call file from the controlling station
        assertThat(s.operations).containsOnly(
                java.util.Map.entry("105 C_RP_NA_1 control", 1L), java.util.Map.entry("50 C_SE_NC_1 control", 1L),
                java.util.Map.entry("102 C_RD_NA_1 read", 1L), java.util.Map.entry("104 C_TS_NA_1 diagnostic", 1L),
                java.util.Map.entry("122 F_SC_NA_1 program", 1L));
        assertThat(s.details).containsEntry("deactivate=C_SC_NA_1", 1L);
        assertThat(s.factsOf(Fact.ServiceDetail.class)).extracting(f -> f.endpoint().port() + " " + f.name() + " " + f.value())
                .containsExactly("2404 commonAddresses 7");
        assertThat(s.malformed).isEmpty();
    }

    @Test
    void broadcastCommonAddressIsNotAnOutstationAddress() {
        RecordingSession s = RecordingSession.tcp("iec104", 2404);
        Iec104Decoder d = new Iec104Decoder(s);
        feed(d, 0, iFrame(100, 6, 0xFFFF, "00000014"));
        assertThat(s.factsOf(Fact.ServiceDetail.class)).isEmpty();
        assertThat(s.operations).containsKey("100 C_IC_NA_1 read");
    }

    @Test
    void apdusSplitAnywhereDecodeTheSame() {
        // j60870 frames: STARTDT con + I-frame M_ME_NC_1 from the outstation, fed one byte at a time
        byte[] stream = hex("68040b000000" + "681a02000200" + "0d0114002f00" + "a10f00" + "cdcc9a40" + "00" + "a20f00" + "0ad7a3be" + "00");
        stream[7] = (byte) (stream.length - 6 - 2);
        RecordingSession s = RecordingSession.tcp("iec104", 2404);
        Iec104Decoder d = new Iec104Decoder(s);
        for (int i = 0; i < stream.length; i++) d.onData(1, stream, i, 1, i);
        assertThat(s.malformed).isEmpty();
        assertThat(s.serverSide()).isEqualTo(1);
        assertThat(s.factsOf(Fact.ServiceDetail.class)).extracting(Fact.ServiceDetail::value).containsExactly(47L);
    }

    @Test
    void garbageIsReportedOnceAndDecodingResumes() {
        RecordingSession s = RecordingSession.tcp("iec104", 2404);
        Iec104Decoder d = new Iec104Decoder(s);
        byte[] b = hex("0102030405" + "680407000000");
        d.onData(0, b, 0, b.length, 1);
        assertThat(s.malformed).containsExactly("iec104 no start byte");
        assertThat(s.details).containsKey("apci=STARTDT act");
        byte[] badLen = hex("6802");
        d.onData(0, badLen, 0, badLen.length, 2);
        assertThat(s.malformed).contains("iec104 bad APDU length");
    }

    @Test
    void commonAddressTableIsBounded() {
        RecordingSession s = RecordingSession.tcp("iec104", 2404);
        Iec104Decoder d = new Iec104Decoder(s);
        for (int ca = 1; ca <= 100; ca++) feed(d, 1, iFrame(1, 3, ca, "e9030001"));
        assertThat(s.factsOf(Fact.ServiceDetail.class)).hasSize(Iec104Decoder.MAX_COMMON_ADDRESSES);
        assertThat(d.commonAddressesDropped()).isEqualTo(100 - Iec104Decoder.MAX_COMMON_ADDRESSES);
    }

    @Test
    void specRecognisesApciFromRealCaptures() {
        byte[] startdt = hex("680407000000");
        byte[] cic = hex("680e00000000640106090d9100000014"); // JavaRMI capture frame 35
        assertThat(SPEC.matches(startdt, 0, 6, true, Transport.TCP)).isTrue();
        assertThat(SPEC.matches(startdt, 0, 6, false, Transport.TCP)).isTrue();
        assertThat(SPEC.matches(cic, 0, cic.length, false, Transport.TCP)).isTrue();
        assertThat(SPEC.matches(cic, 0, cic.length, false, Transport.UDP)).isFalse();
        assertThat(SPEC.matches(hex("680407000001"), 0, 6, true, Transport.TCP)).isFalse(); // U with junk
        assertThat(SPEC.matches(hex("680417000000"), 0, 6, true, Transport.TCP)).isFalse(); // two U functions
        assertThat(SPEC.matches(hex("6803070000"), 0, 5, true, Transport.TCP)).isFalse();
        assertThat(SPEC.matches(hex("680e00000000000106090d9100000014"), 0, 16, true, Transport.TCP)).isFalse(); // type 0
        assertThat(SPEC.matches(cic, 0, 10, false, Transport.TCP)).isFalse(); // incomplete without port hint
        assertThat(SPEC.isWellKnownPort(2404)).isTrue();
    }

    private static void feed(Iec104Decoder d, int side, byte[] b) {
        d.onData(side, b, 0, b.length, 1);
    }
}
