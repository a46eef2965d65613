package io.gridscout.protocols.modbus;

import io.gridscout.protocols.fact.Confidence;
import io.gridscout.protocols.fact.Endpoint;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.OperationKind;
import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.ProtocolDecoder;
import io.gridscout.protocols.flow.Session;
import io.gridscout.protocols.util.LongSet;
import io.gridscout.protocols.util.Text;

import java.util.Arrays;

/**
 * Modbus/TCP for one connection: MBAP framing across segment boundaries (several ADUs per segment, one ADU
 * over several), request/response pairing by transaction id in a bounded table, operations per function code,
 * Read Device Identification (FC 43/14) and Report Server ID (FC 17) as identity.
 *
 * <p>Which side is the server: the TCP handshake when seen; else port 502 on exactly one side; else the
 * first transaction answered (same transaction id and function back from the other side).
 */
final class ModbusDecoder implements ProtocolDecoder {
    static final String PROTOCOL = "modbus";
    private static final int MAX_ADU = 260;
    private static final int PENDING = 64;
    private static final int MAX_HELD = 16;
    private static final int MAX_RANGES = 512;

    private final Session s;
    private final byte[][] partial = new byte[2][];
    private final int[] partialLen = new int[2];

    // pending requests: ring of transaction ids with what the response needs to be understood
    private final int[] pendTid = new int[PENDING];
    private final int[] pendFc = new int[PENDING];
    private final int[] pendStart = new int[PENDING];
    private final int[] pendQty = new int[PENDING];
    private final boolean[] pendUsed = new boolean[PENDING];
    private int pendNext;
    private long pendingOverflow;

    // ADUs held while the direction is still unknown (session started mid-stream on a non-502 port)
    private byte[][] held;
    private int[] heldSide;
    private int heldCount;

    private boolean rolesReported;
    private final long[] unitsSeen = new long[4];           // bitset of unit ids reported
    private final long[] requestedFcs = new long[2];        // bitset of function codes seen in requests
    private final LongSet ranges = new LongSet(MAX_RANGES);
    private byte[][] meiValues;                              // last value per MEI object id, to report changes only
    private byte[] serverIdValue;
    private final SunSpecTracker sunspec;

    ModbusDecoder(Session s) {
        this.s = s;
        this.sunspec = new SunSpecTracker(s);
    }

    // ------------------------------------------------------------------ framing

    @Override
    public void onData(int side, byte[] b, int off, int len, long t) {
        int p = off, end = off + len;
        if (partialLen[side] > 0) {
            p = continuePartial(side, b, p, end, t);
            if (p < 0) return;
        }
        while (end - p >= 6) {
            int proto = u16(b, p + 2), l = u16(b, p + 4);
            if (proto != 0 || l < 2 || l > 254) {
                s.malformed(side, proto != 0 ? "MBAP protocol id not 0" : "MBAP length out of range");
                partialLen[side] = 0;
                return;                      // resync on the next delivery
            }
            if (end - p < 6 + l) break;
            adu(side, b, p, 6 + l, t);
            p += 6 + l;
        }
        if (p < end) {
            if (s.transport() == Transport.UDP) {
                s.malformed(side, "truncated Modbus/UDP datagram");
                return;
            }
            if (partial[side] == null) partial[side] = new byte[MAX_ADU];
            System.arraycopy(b, p, partial[side], 0, end - p);
            partialLen[side] = end - p;
        }
    }

    /** Completes a partial ADU from the new bytes; returns where the new bytes continue, -1 if all consumed. */
    private int continuePartial(int side, byte[] b, int p, int end, long t) {
        byte[] buf = partial[side];
        int have = partialLen[side];
        if (have < 6) {
            int take = Math.min(6 - have, end - p);
            System.arraycopy(b, p, buf, have, take);
            have += take;
            p += take;
            partialLen[side] = have;
            if (have < 6) return -1;
        }
        int proto = u16(buf, 2), l = u16(buf, 4);
        if (proto != 0 || l < 2 || l > 254) {
            s.malformed(side, "MBAP header broken across segments");
            partialLen[side] = 0;
            return -1;
        }
        int need = 6 + l - have;
        int take = Math.min(need, end - p);
        System.arraycopy(b, p, buf, have, take);
        have += take;
        p += take;
        partialLen[side] = have;
        if (have < 6 + l) return -1;
        partialLen[side] = 0;
        adu(side, buf, 0, 6 + l, t);
        return p;
    }

    @Override
    public void onGap(int side, long t) {
        partialLen[side] = 0;
    }

    @Override
    public void onClose(long t) {
        if (heldCount > 0) decideAndReplay(heldSide[0] == 0 ? 1 : 0, t);   // first sender was the client
        sunspec.close(t);
    }

    // ------------------------------------------------------------------ direction

    private void adu(int side, byte[] b, int p, int n, long t) {
        if (n < 8) {
            s.malformed(side, "ADU without function code");
            return;
        }
        int server = s.serverSide();
        if (server < 0) {
            boolean port0 = s.endpoint(0).port() == 502, port1 = s.endpoint(1).port() == 502;
            if (port0 != port1) {
                s.serverSide(port0 ? 0 : 1);
            } else {
                hold(side, b, p, n, t);
                return;
            }
            server = s.serverSide();
        }
        if (side == server) response(side, b, p, n, t);
        else request(side, b, p, n, t);
    }

    private void hold(int side, byte[] b, int p, int n, long t) {
        if (held == null) {
            held = new byte[MAX_HELD][];
            heldSide = new int[MAX_HELD];
        }
        int tid = u16(b, p), fc = b[p + 7] & 0x7F;
        for (int i = 0; i < heldCount; i++) {
            byte[] h = held[i];
            if (heldSide[i] != side && u16(h, 0) == tid && (h[7] & 0x7F) == fc) {
                appendHeld(side, b, p, n);
                decideAndReplay(side, t);     // this ADU answers an earlier one: its sender serves
                return;
            }
        }
        appendHeld(side, b, p, n);
        if (heldCount == MAX_HELD) decideAndReplay(heldSide[0] == 0 ? 1 : 0, t);
    }

    private void appendHeld(int side, byte[] b, int p, int n) {
        if (heldCount == MAX_HELD) return;
        held[heldCount] = Arrays.copyOfRange(b, p, p + n);
        heldSide[heldCount++] = side;
    }

    private void decideAndReplay(int serverSide, long t) {
        s.serverSide(serverSide);
        int n = heldCount;
        heldCount = 0;
        for (int i = 0; i < n; i++) {
            byte[] h = held[i];
            if (heldSide[i] == s.serverSide()) response(heldSide[i], h, 0, h.length, t);
            else request(heldSide[i], h, 0, h.length, t);
            held[i] = null;
        }
    }

    // ------------------------------------------------------------------ requests

    private void request(int side, byte[] b, int p, int n, long t) {
        Endpoint client = s.endpoint(side), server = s.endpoint(1 - side);
        reportRoles(client, server, t);
        int tid = u16(b, p), unit = b[p + 6] & 0xFF, fc = b[p + 7] & 0xFF;
        int pdu = p + 7, pduLen = n - 7;
        reportUnit(server, unit, t);
        if (fc >= 0x80) {
            // an exception sent by the connecting side: odd (tests, fuzzers), still a use of that function
            s.detail("exceptionFromClient", ModbusFunctions.EXCEPTIONS[pduLen >= 2 ? b[pdu + 1] & 0xFF : 0]);
            s.operation(fc & 0x7F, ModbusFunctions.NAMES[fc & 0x7F], ModbusFunctions.KINDS[fc & 0x7F]);
            return;
        }
        requestedFcs[fc >>> 6] |= 1L << (fc & 63);
        int start = -1, qty = 0;
        switch (fc) {
            case 90 -> {
                int sub = pduLen >= 3 ? b[pdu + 2] & 0xFF : -1;
                if (sub < 0) s.operation(90, ModbusFunctions.NAMES[90], OperationKind.OTHER);
                else s.operation(90, ModbusFunctions.UMAS_NAMES[sub], ModbusFunctions.UMAS_KINDS[sub]);
            }
            case 8 -> {
                int sub = pduLen >= 3 ? u16(b, pdu + 1) : -1;
                s.operation(8, ModbusFunctions.diagnosticName(sub), ModbusFunctions.diagnosticKind(sub));
            }
            case 43 -> {
                int mei = pduLen >= 2 ? b[pdu + 1] & 0xFF : -1;
                if (mei == 14) {
                    s.operation(43, "read_device_identification", OperationKind.READ);
                    start = pduLen >= 4 ? b[pdu + 3] & 0xFF : 0;   // object id asked for
                } else if (mei == 13) {
                    s.operation(43, "canopen_general_reference", OperationKind.OTHER);
                } else {
                    s.operation(43, ModbusFunctions.NAMES[43], OperationKind.OTHER);
                }
            }
            default -> s.operation(fc, ModbusFunctions.NAMES[fc], ModbusFunctions.KINDS[fc]);
        }
        if (pduLen >= 5) {
            switch (fc) {
                case 1, 2, 3, 4 -> { start = u16(b, pdu + 1); qty = u16(b, pdu + 3); range(unit, fc, start, qty, false); }
                case 15, 16 -> { start = u16(b, pdu + 1); qty = u16(b, pdu + 3); range(unit, fc, start, qty, true); }
                case 5, 6 -> { start = u16(b, pdu + 1); qty = 1; range(unit, fc, start, 1, true); }
                case 22 -> range(unit, 3, u16(b, pdu + 1), 1, true);
                case 23 -> {
                    if (pduLen >= 9) {
                        start = u16(b, pdu + 1);
                        qty = u16(b, pdu + 3);
                        range(unit, 3, start, qty, false);
                        range(unit, 3, u16(b, pdu + 5), u16(b, pdu + 7), true);
                    }
                }
                default -> { }
            }
        }
        if ((fc == 6 || fc == 16) && start >= 0) sunspec.write(unit, fc, start, qty, t);
        addPending(tid, fc, start, qty);
    }

    private static final String[] TABLE = {"coils", "discrete_inputs", "holding_registers", "input_registers"};

    /** Records a register/coil range the first time this session touches it. */
    private void range(int unit, int fc, int start, int qty, boolean write) {
        int table = switch (fc) {
            case 1, 5, 15 -> 0;
            case 2 -> 1;
            case 4 -> 3;
            default -> 2;
        };
        long key = ((long) unit << 40) | ((long) table << 38) | ((write ? 1L : 0L) << 37) | ((long) start << 16) | qty;
        if (ranges.add(key)) {
            s.detail(write ? "registersWritten" : "registersRead",
                    "unit " + unit + " " + TABLE[table] + " " + start + "-" + (start + Math.max(qty, 1) - 1));
        }
    }

    private void addPending(int tid, int fc, int start, int qty) {
        int i = pendNext;
        if (pendUsed[i]) pendingOverflow++;   // oldest unanswered request forgotten
        pendTid[i] = tid;
        pendFc[i] = fc;
        pendStart[i] = start;
        pendQty[i] = qty;
        pendUsed[i] = true;
        pendNext = (i + 1) % PENDING;
    }

    /** Index of the pending request with this transaction id and function, or -1. */
    private int takePending(int tid, int fc) {
        for (int k = 1; k <= PENDING; k++) {
            int i = (pendNext - k + PENDING) % PENDING;
            if (pendUsed[i] && pendTid[i] == tid && pendFc[i] == fc) {
                pendUsed[i] = false;
                return i;
            }
        }
        return -1;
    }

    long pendingOverflow() {
        return pendingOverflow;
    }

    // ------------------------------------------------------------------ responses

    private void response(int side, byte[] b, int p, int n, long t) {
        Endpoint server = s.endpoint(side), client = s.endpoint(1 - side);
        reportRoles(client, server, t);
        int tid = u16(b, p), unit = b[p + 6] & 0xFF, fc = b[p + 7] & 0xFF, base = fc & 0x7F;
        int pdu = p + 7, pduLen = n - 7;
        reportUnit(server, unit, t);
        int pend = takePending(tid, base);
        if (pend < 0 && (requestedFcs[base >>> 6] & (1L << (base & 63))) == 0) {
            // the request was before the capture started: the client still asked for it
            requestedFcs[base >>> 6] |= 1L << (base & 63);
            s.operation(base, ModbusFunctions.NAMES[base], ModbusFunctions.KINDS[base]);
        }
        if (fc >= 0x80) {
            if (pduLen >= 2) s.detail("exception", ModbusFunctions.EXCEPTIONS[b[pdu + 1] & 0xFF]);
            else s.malformed(side, "short exception response");
            return;
        }
        if ((base == 3 || base == 4) && pend >= 0 && pduLen >= 2) {
            sunspec.registers(unit, pendStart[pend], pendQty[pend], b, pdu + 2, Math.min(b[pdu + 1] & 0xFF, pduLen - 2), t);
        }
        if (base == 43 && pduLen >= 2 && (b[pdu + 1] & 0xFF) == 14) deviceIdentification(side, server, b, pdu, pduLen, t);
        else if (base == 17) reportServerId(server, b, pdu, pduLen, t);
    }

    /**
     * FC 43 / MEI 14 response: read-device-id code, conformity level, more-follows, next object id, number of
     * objects, then (id, length, value) triples. Real devices get the count or lengths wrong, so objects are read
     * while bytes remain and a last over-long object is cut at the end of the PDU.
     */
    private void deviceIdentification(int side, Endpoint server, byte[] b, int pdu, int pduLen, long t) {
        int end = pdu + pduLen;
        if (pduLen < 7) {
            s.malformed(side, "short read device identification response");
            return;
        }
        int q = pdu + 7;
        for (int objects = 0; end - q >= 2 && objects < 256; objects++) {
            int id = b[q] & 0xFF, l = b[q + 1] & 0xFF;
            int vOff = q + 2;
            int vLen = Math.min(l, end - vOff);
            identityObject(server, id, b, vOff, vLen, t);
            q = vOff + vLen;
        }
    }

    private static String meiAttribute(int id) {
        return switch (id) {
            case 0 -> "vendor";
            case 1 -> "productCode";
            case 2 -> "firmware";
            case 3 -> "vendorUrl";
            case 4 -> "productName";
            case 5 -> "model";
            case 6 -> "applicationName";
            default -> "mei.object." + id;
        };
    }

    private void identityObject(Endpoint server, int id, byte[] b, int off, int len, long t) {
        if (meiValues == null) meiValues = new byte[256][];
        byte[] last = meiValues[id];
        if (last != null && Arrays.equals(last, 0, last.length, b, off, off + len)) return;
        meiValues[id] = Arrays.copyOfRange(b, off, off + len);
        String v = Text.printable(b, off, len);
        if (v.isEmpty()) return;
        s.facts().accept(new Fact.Identity(t, server, meiAttribute(id), v, "modbus.mei", Confidence.STATED));
    }

    /** FC 17: byte count, server id and run indicator (device specific), often followed by an ASCII description. */
    private void reportServerId(Endpoint server, byte[] b, int pdu, int pduLen, long t) {
        if (pduLen < 2) return;
        int count = Math.min(b[pdu + 1] & 0xFF, pduLen - 2);
        if (count <= 0) return;
        int off = pdu + 2;
        if (serverIdValue != null && Arrays.equals(serverIdValue, 0, serverIdValue.length, b, off, off + count)) return;
        serverIdValue = Arrays.copyOfRange(b, off, off + count);
        s.facts().accept(new Fact.Identity(t, server, "serverId", Text.hex(b, off, count), "modbus.fc17", Confidence.STATED));
        String text = Text.printable(b, off, count);
        int letters = 0;
        for (int i = 0; i < text.length(); i++) if (Character.isLetterOrDigit(text.charAt(i))) letters++;
        if (letters >= 4) s.facts().accept(new Fact.Identity(t, server, "serverIdText", text, "modbus.fc17", Confidence.STATED));
    }

    // ------------------------------------------------------------------ roles

    private void reportRoles(Endpoint client, Endpoint server, long t) {
        if (rolesReported) return;
        rolesReported = true;
        s.facts().accept(new Fact.Service(t, server, PROTOCOL, s.transport(), "server"));
        s.facts().accept(new Fact.Service(t, client, PROTOCOL, s.transport(), "client"));
    }

    private void reportUnit(Endpoint server, int unit, long t) {
        long bit = 1L << (unit & 63);
        if ((unitsSeen[unit >>> 6] & bit) != 0) return;
        unitsSeen[unit >>> 6] |= bit;
        s.facts().accept(new Fact.ServiceDetail(t, server, PROTOCOL, s.transport(), "server", "unitIds", (long) unit));
    }

    private static int u16(byte[] b, int p) {
        return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
    }
}
