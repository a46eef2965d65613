package io.gridscout.agent;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Edits classic pcap files for tests: same-length byte replacement in packet data, timestamp shift. */
public final class PcapEdit {
    private PcapEdit() {}

    /** Replaces every occurrence of {@code from} by {@code to} (equal lengths) in the packet records and adds {@code shiftSeconds} to every timestamp. */
    public static byte[] edit(byte[] pcap, String from, String to, int shiftSeconds) {
        byte[] f = from.getBytes(StandardCharsets.US_ASCII), t = to.getBytes(StandardCharsets.US_ASCII);
        if (f.length != t.length) throw new IllegalArgumentException("replacement must keep the length");
        byte[] out = pcap.clone();
        ByteBuffer b = ByteBuffer.wrap(out);
        int magic = b.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) b.order(ByteOrder.BIG_ENDIAN);
        int pos = 24;
        while (pos + 16 <= out.length) {
            b.putInt(pos, b.getInt(pos) + shiftSeconds);
            int incl = b.getInt(pos + 8);
            int data = pos + 16;
            for (int i = data; i + f.length <= data + incl; i++) {
                boolean match = true;
                for (int k = 0; k < f.length && match; k++) match = out[i + k] == f[k];
                if (match) System.arraycopy(t, 0, out, i, t.length);
            }
            pos = data + incl;
        }
        return out;
    }
}
