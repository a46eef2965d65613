package io.gridscout.mapping.classify;

import io.gridscout.mapping.inventory.Inventory;
import io.gridscout.mapping.inventory.InventoryBuilder;
import io.gridscout.protocols.Protocols;
import io.gridscout.protocols.flow.FlowTable;
import io.gridscout.protocols.pipeline.Pipeline;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Frames built byte by byte (Ethernet/IPv4/UDP around a DLMS wrapper AARQ/AARE and C12.22 identification
 * exchange) through the real pipeline and inventory: both meters come out as smart-meter.
 */
class MeterFramesClassifyTest {
    static byte[] udp(int srcHost, int sport, int dstHost, int dport, byte[] payload) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(new byte[] {0, 0, 0, 0, 0, (byte) dstHost, 0, 0, 0, 0, 0, (byte) srcHost, 0x08, 0x00});
        int total = 28 + payload.length;
        byte[] ip = {0x45, 0, (byte) (total >> 8), (byte) total, 0, 1, 0x40, 0, 64, 17, 0, 0, 10, 3, 0, (byte) srcHost, 10, 3, 0, (byte) dstHost};
        int sum = 0;
        for (int i = 0; i < 20; i += 2) sum += ((ip[i] & 0xFF) << 8) | (ip[i + 1] & 0xFF);
        while ((sum >> 16) != 0) sum = (sum & 0xFFFF) + (sum >> 16);
        ip[10] = (byte) (~sum >> 8);
        ip[11] = (byte) ~sum;
        o.writeBytes(ip);
        int ul = 8 + payload.length;
        o.writeBytes(new byte[] {(byte) (sport >> 8), (byte) sport, (byte) (dport >> 8), (byte) dport, (byte) (ul >> 8), (byte) ul, 0, 0});
        o.writeBytes(payload);
        return o.toByteArray();
    }

    static byte[] hex(String s) {
        return java.util.HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void dlmsAndC1222ServersAreSmartMeters() {
        // DLMS wrapper (version 1, wPorts 0x10 -> 1): AARQ LN no security; AARE accepted (IEC 62056-5-3)
        byte[] aarq = hex("0001 0010 0001 001f 60 1d a1 09 06 07 60 85 74 05 08 01 01 be 10 04 0e 01 00 00 00 06 5f 1f 04 00 00 7e 1f 04 b0");
        byte[] aare = hex("0001 0001 0010 002b 61 29 a1 09 06 07 60 85 74 05 08 01 01 a2 03 02 01 00 a3 05 a1 03 02 01 00"
                + " be 10 04 0e 08 00 06 5f 1f 04 00 00 10 14 04 00 00 07");
        // C12.22 (ANSI C12.22 / IEEE 1703): identification request and its response (ok, C12.22, version 1, revision 0)
        byte[] ident = hex("60 1a a2 06 80 04 01 02 03 14 a6 06 80 04 01 02 03 0a be 08 28 06 81 04 80 01 20 00");
        byte[] identR = hex("60 1e a2 06 80 04 01 02 03 0a a6 06 80 04 01 02 03 14 be 0c 28 0a 81 08 80 05 00 03 01 00 00 00");
        InventoryBuilder b = new InventoryBuilder();
        Pipeline p = new Pipeline(b, Protocols.ipProtocols(), Protocols.etherTypeProtocols(), FlowTable.Limits.defaults());
        long t = 1_700_000_000_000_000_000L;
        for (byte[] f : List.of(udp(1, 40000, 50, 4059, aarq), udp(50, 4059, 1, 40000, aare),
                udp(1, 1153, 60, 1153, ident), udp(60, 1153, 1, 1153, identR))) {
            p.frame(1, f, 0, f.length, f.length, t);
            t += 1_000_000_000L;
        }
        p.finish();
        Inventory inv = b.snapshot();
        assertThat(inv.assets()).filteredOn(a -> a.ips().toString().contains("10.3.0.50")).singleElement()
                .satisfies(a -> assertThat(a.deviceClass()).isEqualTo("smart-meter"));
        assertThat(inv.assets()).filteredOn(a -> a.ips().toString().contains("10.3.0.60")).singleElement()
                .satisfies(a -> assertThat(a.deviceClass()).isEqualTo("smart-meter"));
    }
}
