package io.gridscout.protocols.modbus;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.flow.RecordingSession;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SunSpec walks built register by register from the SunSpec model definitions, fed through ModbusDecoder. */
class SunSpecTrackerTest {
    /** A SunSpec map at {@code base}: marker, model 1 (L 66), model 203 meter (L 105), end. */
    static int[] meterMap(int base) {
        int[] r = new int[2 + 68 + 107 + 2];
        r[0] = 0x5375;
        r[1] = 0x6E53;
        r[2] = 1;
        r[3] = 66;
        put(r, 4, 16, "Carlo Gavazzi");
        put(r, 20, 16, "EM24DINAV93XE1X");
        put(r, 36, 8, "opt-A");
        put(r, 44, 8, "1.2.3");
        put(r, 52, 16, "KY1234567");
        r[68] = 7;
        r[70] = 203;
        r[71] = 105;
        r[177] = 0xFFFF;
        r[178] = 0;
        return r;
    }

    static void put(int[] r, int at, int regs, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < b.length && i < regs * 2; i++) r[at + i / 2] |= (b[i] & 0xFF) << (i % 2 == 0 ? 8 : 0);
    }

    private final RecordingSession s = RecordingSession.tcp("modbus", 502);
    private final ModbusDecoder d = new ModbusDecoder(s);
    private int tid;

    /** Client reads {@code qty} registers at {@code addr}; the server answers from {@code map} located at base. */
    void read(int unit, int[] map, int base, int addr, int qty) {
        tid++;
        d.onData(0, adu(unit, 3, u16(addr), u16(qty)), 0, 12, 0);
        ByteArrayOutputStream regs = new ByteArrayOutputStream();
        regs.write(qty * 2);
        for (int a = addr; a < addr + qty; a++) {
            int v = a - base >= 0 && a - base < map.length ? map[a - base] : 0;
            regs.write(v >> 8);
            regs.write(v);
        }
        byte[] r = adu(unit, 3, regs.toByteArray());
        d.onData(1, r, 0, r.length, 0);
    }

    byte[] adu(int unit, int fc, byte[]... parts) {
        ByteArrayOutputStream pdu = new ByteArrayOutputStream();
        pdu.write(unit);
        pdu.write(fc);
        for (byte[] p : parts) pdu.writeBytes(p);
        byte[] body = pdu.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(u16(tid));
        out.writeBytes(u16(0));
        out.writeBytes(u16(body.length));
        out.writeBytes(body);
        return out.toByteArray();
    }

    static byte[] u16(int v) {
        return new byte[] {(byte) (v >> 8), (byte) v};
    }

    Map<String, String> identity() {
        Map<String, String> m = new LinkedHashMap<>();
        for (Fact.Identity i : s.factsOf(Fact.Identity.class)) {
            assertTrue(m.put(i.name(), i.value()) == null, "reported twice: " + i.name());
        }
        return m;
    }

    @Test
    void oneBlockReadAtBase50000() {
        read(1, meterMap(50000), 50000, 50000, 125);
        read(1, meterMap(50000), 50000, 50125, 60);
        Map<String, String> id = identity();
        assertEquals("Carlo Gavazzi", id.get("vendor"));
        assertEquals("EM24DINAV93XE1X", id.get("model"));
        assertEquals("opt-A", id.get("options"));
        assertEquals("1.2.3", id.get("firmware"));
        assertEquals("KY1234567", id.get("serial"));
        assertEquals("7", id.get("deviceAddress"));
        assertEquals("1,203", id.get("sunspecModels"));
        assertEquals("meter", id.get("deviceKind"));
    }

    @Test
    void registerByRegisterWithSplitHeaders() {
        int[] map = meterMap(0);
        for (int a = 0; a < 72; a += 2) read(3, map, 0, a, 2);     // marker in one read, as the spec asks
        assertEquals("Carlo Gavazzi", identity().get("vendor"));
        assertNull(identity().get("sunspecModels"), "walk not finished yet");
        read(3, map, 0, 177, 1);        // end ID alone
        read(3, map, 0, 178, 1);        // and its length
        assertEquals("1,203", identity().get("sunspecModels"));
    }

    @Test
    void secondUnitIsPrefixedAndUnfinishedWalkReportedAtClose() {
        int[] map = meterMap(40000);
        read(1, map, 40000, 40000, 2);
        read(1, map, 40000, 40002, 68);
        read(2, map, 40000, 40000, 72);
        d.onClose(0);
        Map<String, String> id = identity();
        assertEquals("Carlo Gavazzi", id.get("vendor"));
        assertEquals("Carlo Gavazzi", id.get("unit2.vendor"));
        assertEquals("1", id.get("sunspecModels"));
        assertEquals("1,203", id.get("unit2.sunspecModels"));
        assertEquals("meter", id.get("unit2.deviceKind"));
    }

    @Test
    void noMarkerNoSunSpec() {
        int[] map = meterMap(40000);
        map[1] = 0x6E54;
        read(1, map, 40000, 40000, 125);
        d.onClose(0);
        assertTrue(s.factsOf(Fact.Identity.class).isEmpty());
    }

    @Test
    void writesIntoControlsAreNamedAfterPoints() {
        int[] map = new int[2 + 68 + 26 + 2];
        map[0] = 0x5375;
        map[1] = 0x6E53;
        map[2] = 1;
        map[3] = 66;
        map[70] = 123;
        map[71] = 24;
        map[96] = 0xFFFF;
        read(1, map, 40000, 40000, 98);
        tid++;
        byte[] w = adu(1, 16, u16(40072 + 1), u16(2), new byte[] {4, 0, 0, 0, 1});   // Conn_RvrtTms, Conn
        d.onData(0, w, 0, w.length, 0);
        assertEquals(1L, s.operations.get("16 sunspec:123.Conn_RvrtTms control"), s.operations.toString());
        assertEquals(1L, s.operations.get("16 sunspec:123.Conn control"), s.operations.toString());
        tid++;
        w = adu(1, 6, u16(40068), u16(9));                                             // Model 1 DA
        d.onData(0, w, 0, w.length, 0);
        assertEquals(1L, s.operations.get("6 sunspec:1.DA write"), s.operations.toString());
        tid++;
        w = adu(1, 6, u16(30000), u16(9));                                             // outside the map
        d.onData(0, w, 0, w.length, 0);
        assertEquals(2L, s.operations.get("6 write_single_register write"), s.operations.toString());
        assertEquals(1, s.operations.keySet().stream().filter(k -> k.startsWith("6 sunspec")).count());
    }

    @FuzzTest(maxDuration = "10s")
    void fuzz(byte[] data) {
        // the first bytes steer which registers are read, the rest are register values
        RecordingSession fs = RecordingSession.tcp("modbus", 502);
        ModbusDecoder fd = new ModbusDecoder(fs);
        int p = 0, t = 0;
        while (data.length - p >= 4) {
            int addr = ((data[p] & 0xFF) << 8 | (data[p + 1] & 0xFF)) % 200 + ((data[p] & 0x80) != 0 ? 40000 : 0);
            int qty = (data[p + 2] & 0x7F) + 1, fc = (data[p + 3] & 1) == 0 ? 3 : 16;
            p += 4;
            byte[] req = {(byte) (t >> 8), (byte) t, 0, 0, 0, 6, 1, (byte) fc, (byte) (addr >> 8), (byte) addr, 0, (byte) qty};
            fd.onData(0, req, 0, req.length, 0);
            int n = Math.min(qty * 2, Math.min(data.length - p, 250));
            byte[] resp = new byte[9 + n];
            resp[0] = (byte) (t >> 8);
            resp[1] = (byte) t;
            resp[5] = (byte) (3 + n);
            resp[6] = 1;
            resp[7] = (byte) fc;
            resp[8] = (byte) (data.length - p > 0 ? data[p] : n);
            System.arraycopy(data, p, resp, 9, n);
            fd.onData(1, resp, 0, resp.length, 0);
            p += n;
            t++;
        }
        fd.onClose(0);
    }
}
