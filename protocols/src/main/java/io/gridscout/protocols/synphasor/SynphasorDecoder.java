package io.gridscout.protocols.synphasor;

import io.gridscout.protocols.fact.Confidence;
import io.gridscout.protocols.fact.Endpoint;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.OperationKind;
import io.gridscout.protocols.flow.ProtocolDecoder;
import io.gridscout.protocols.flow.Session;
import io.gridscout.protocols.util.LongSet;
import io.gridscout.protocols.util.StreamBuffer;

import java.nio.charset.StandardCharsets;

/**
 * C37.118.2 frames: configuration frames (CFG-1/2/3) name the PMU stations and IDCODEs, command frames from the
 * PDC are operations, data frames are counted. The PMU (sender of data/configuration) is role "server", the
 * PDC (sender of commands) role "client".
 */
final class SynphasorDecoder implements ProtocolDecoder {
    static final int MIN_FRAME = 16;
    private static final int MAX_FRAME = 65535;
    private static final int MAX_PMUS = 256;
    private static final int MAX_SEEN = 64;

    private static final String PROTO = "synphasor";
    private final Session session;
    private final StreamBuffer[] buffers = new StreamBuffer[2];
    private final boolean[] roleSent = new boolean[2];
    private final LongSet seen = new LongSet(MAX_SEEN); // keys of values already reported

    SynphasorDecoder(Session session) { this.session = session; }

    long seenDropped() { return seen.refused(); }

    @Override
    public void onData(int side, byte[] buf, int off, int len, long t) {
        try {
            if (side < 0 || side > 1 || buf == null || off < 0 || len < 0 || off + len > buf.length) return;
            if (session.transport() == io.gridscout.protocols.fact.Transport.UDP) {
                frames(side, buf, off, len, t, true);
                return;
            }
            StreamBuffer sb = buffers[side];
            if (sb == null) sb = buffers[side] = new StreamBuffer(MAX_FRAME);
            if (sb.length() == 0) {
                int used = frames(side, buf, off, len, t, false);
                if (used < len && !sb.append(buf, off + used, len - used)) sb.clear();
                return;
            }
            if (!sb.append(buf, off, len)) { sb.clear(); session.malformed(side, "buffer overflow"); return; }
            int used = frames(side, sb.data(), 0, sb.length(), t, false);
            sb.consume(used);
        } catch (RuntimeException e) {
            session.malformed(side, "decoder error " + e.getClass().getSimpleName());
        }
    }

    @Override
    public void onGap(int side, long t) {
        if (side >= 0 && side < 2 && buffers[side] != null) buffers[side].clear();
    }

    /** Decodes whole frames; returns bytes consumed (a trailing partial frame is left for the caller). */
    private int frames(int side, byte[] b, int off, int len, long t, boolean datagram) {
        int p = off, end = off + len;
        while (end - p >= 4) {
            if ((b[p] & 0xFF) != 0xAA) {
                session.malformed(side, "bad sync");
                return len; // no resync marker we can trust inside TCP: drop this chunk
            }
            int size = ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
            if (size < MIN_FRAME) { session.malformed(side, "bad frame size"); return len; }
            if (size > end - p) {
                if (datagram) { session.malformed(side, "truncated frame"); return len; }
                break;
            }
            if (!crcOk(b, p, size)) session.malformed(side, "bad crc");
            else frame(side, b, p, size, t);
            p += size;
        }
        return p - off;
    }

    private void frame(int side, byte[] b, int off, int size, long t) {
        int type = (b[off + 1] >> 4) & 0x07;
        int idcode = u16(b, off + 4);
        switch (type) {
            case 0 -> { server(side, t); session.detail("frame", "data"); }
            case 1 -> { server(side, t); session.detail("frame", "header"); }
            case 2, 3 -> { server(side, t); session.detail("frame", type == 2 ? "cfg1" : "cfg2"); idcode(side, idcode, t); cfg12(side, b, off, size, t, type == 2 ? "synphasor.cfg1" : "synphasor.cfg2"); }
            case 5 -> { server(side, t); session.detail("frame", "cfg3"); idcode(side, idcode, t); cfg3(side, b, off, size, t); }
            case 4 -> command(side, b, off, size, t);
            default -> session.malformed(side, "unknown frame type");
        }
    }

    private void command(int side, byte[] b, int off, int size, long t) {
        if (size < 18) { session.malformed(side, "short command"); return; }
        session.serverSide(1 - side);
        role(side, "client", t);
        int cmd = u16(b, off + 14);
        switch (cmd) {
            case 1 -> session.operation(1, "TURN_OFF_TRANSMISSION", OperationKind.CONTROL);
            case 2 -> session.operation(2, "TURN_ON_TRANSMISSION", OperationKind.CONTROL);
            case 3 -> session.operation(3, "SEND_HDR", OperationKind.READ);
            case 4 -> session.operation(4, "SEND_CFG1", OperationKind.READ);
            case 5 -> session.operation(5, "SEND_CFG2", OperationKind.READ);
            case 6 -> session.operation(6, "SEND_CFG3", OperationKind.READ);
            case 8 -> session.operation(8, "EXTENDED_FRAME", OperationKind.OTHER);
            default -> session.operation(cmd, "USER_COMMAND", OperationKind.OTHER);
        }
    }

    private void cfg12(int side, byte[] b, int off, int size, long t, String source) {
        int p = off + 14, end = off + size - 2;
        if (end - p < 6) { session.malformed(side, "short configuration"); return; }
        p += 4; // TIME_BASE
        int numPmu = u16(b, p);
        p += 2;
        for (int i = 0; i < numPmu && i < MAX_PMUS; i++) {
            if (end - p < 26) { session.malformed(side, "truncated configuration"); return; }
            int stnOff = p;
            int id = u16(b, p + 16);
            int phnmr = u16(b, p + 20), annmr = u16(b, p + 22), dgnmr = u16(b, p + 24);
            station(side, b, stnOff, 16, id, numPmu, t, source);
            long skip = 26L + 16L * (phnmr + annmr + 16L * dgnmr) + 4L * phnmr + 4L * annmr + 4L * dgnmr + 4;
            if (skip > end - p) { session.malformed(side, "truncated configuration"); return; }
            p += (int) skip;
        }
    }

    private void cfg3(int side, byte[] b, int off, int size, long t) {
        int p = off + 14, end = off + size - 2;
        if (end - p < 8) { session.malformed(side, "short configuration"); return; }
        int contIdx = u16(b, p);
        if (contIdx > 1) return; // continuation fragments carry no PMU header we can align to
        p += 6; // CONT_IDX, TIME_BASE
        int numPmu = u16(b, p);
        p += 2;
        for (int i = 0; i < numPmu && i < MAX_PMUS; i++) {
            if (end - p < 1) return;
            int stnLen = b[p] & 0xFF;
            int stnOff = p + 1;
            p = stnOff + stnLen;
            if (end - p < 26) return; // a fragmented CFG-3 ends mid-PMU: keep what we have
            int id = u16(b, p);
            int phnmr = u16(b, p + 20), annmr = u16(b, p + 22), dgnmr = u16(b, p + 24);
            station(side, b, stnOff, stnLen, id, numPmu, t, "synphasor.cfg3");
            p += 26;
            long names = (long) phnmr + annmr + 16L * dgnmr;
            for (long n = 0; n < names; n++) {
                if (end - p < 1) return;
                p += 1 + (b[p] & 0xFF);
            }
            long skip = 12L * phnmr + 8L * annmr + 4L * dgnmr + 12 + 1 + 8 + 4;
            if (skip > end - p) return;
            p += (int) skip;
        }
    }

    private void station(int side, byte[] b, int off, int len, int id, int numPmu, long t, String source) {
        int e = off + len;
        while (e > off && ((b[e - 1] & 0xFF) == ' ' || b[e - 1] == 0)) e--;
        long key = hash(b, off, e - off) ^ ((long) id << 40);
        if (!seen.add(key)) return;
        Endpoint ep = session.endpoint(side);
        String name = new String(b, off, e - off, StandardCharsets.ISO_8859_1);
        session.facts().accept(new Fact.ServiceDetail(t, ep, PROTO, session.transport(), "server", "stations", name));
        session.facts().accept(new Fact.ServiceDetail(t, ep, PROTO, session.transport(), "server", "idcodes", (long) id));
        if (numPmu == 1 && !name.isEmpty()) session.facts().accept(new Fact.Identity(t, ep, "name", name, source, Confidence.STATED));
    }

    private void idcode(int side, int idcode, long t) {
        if (!seen.add(0x7F00_0000_0000_0000L | idcode)) return;
        session.facts().accept(new Fact.Identity(t, session.endpoint(side), "idcode", Integer.toString(idcode), "synphasor.cfg", Confidence.STATED));
    }

    private void server(int side, long t) {
        session.serverSide(side);
        role(side, "server", t);
    }

    private void role(int side, String role, long t) {
        if (roleSent[side]) return;
        roleSent[side] = true;
        session.facts().accept(new Fact.Service(t, session.endpoint(side), PROTO, session.transport(), role));
    }


    private static long hash(byte[] b, int off, int len) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < len; i++) h = (h ^ (b[off + i] & 0xFF)) * 0x100000001B3L;
        return h & 0x00FF_FFFF_FFFF_FFFFL;
    }

    /** CRC-CCITT (poly 0x1021, init 0xFFFF) over the frame minus its last two bytes, which hold it big-endian. */
    static boolean crcOk(byte[] b, int off, int size) {
        int crc = 0xFFFF;
        for (int i = off; i < off + size - 2; i++) {
            crc ^= (b[i] & 0xFF) << 8;
            for (int k = 0; k < 8; k++) crc = (crc & 0x8000) != 0 ? ((crc << 1) ^ 0x1021) & 0xFFFF : (crc << 1) & 0xFFFF;
        }
        return crc == u16(b, off + size - 2);
    }

    static int u16(byte[] b, int off) { return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF); }
}
