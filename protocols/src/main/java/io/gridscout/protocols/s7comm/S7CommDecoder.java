package io.gridscout.protocols.s7comm;

import io.gridscout.protocols.cotp.IsoContext;
import io.gridscout.protocols.cotp.TsduHandler;
import io.gridscout.protocols.fact.Confidence;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.OperationKind;
import io.gridscout.protocols.flow.Session;

/**
 * Siemens S7comm (protocol id 0x32) in COTP DT: jobs (client) and ack/ack_data (server), read/write var, block
 * up/download, PLC control, and userdata; SZL 0x0011/0x001C answers name the module (order number, firmware,
 * serial, names). S7comm-plus (0x72) is only recognised and counted.
 */
public final class S7CommDecoder implements TsduHandler {
    public static final String PROTOCOL = "s7comm";
    public static final String PROTOCOL_PLUS = "s7comm-plus";
    static final String SOURCE = "s7comm.szl";
    private static final int MAX_TEXT = 64;

    private static final int ROSCTR_JOB = 1, ROSCTR_ACK = 2, ROSCTR_ACK_DATA = 3, ROSCTR_USERDATA = 7;

    private final IsoContext ctx;
    private final Session session;
    private boolean s7Seen, plusSeen, rackSlotSent;
    /** Attributes already reported, per side (bit per attribute index). */
    private final int[] identitySent = new int[2];
    /** Fragmented SZL answers being collected, per side. */
    static final int MAX_SZL = 8192;
    private final byte[][] szlBuf = new byte[2][];
    private final int[] szlFill = new int[2];
    private long szlDropped;

    public S7CommDecoder(IsoContext ctx) {
        this.ctx = ctx;
        this.session = ctx.session();
    }

    public void roles(long t) {
        if (s7Seen) ctx.roles(PROTOCOL, t);
        if (plusSeen) ctx.roles(PROTOCOL_PLUS, t);
        if (s7Seen && !rackSlotSent && ctx.rolesKnown(PROTOCOL)) {
            rackSlotSent = true;
            int tsap = ctx.calledTsap();
            if (tsap >= 0) {
                // S7 TSAP: high byte connection type (1 PG, 2 OP, 3 S7 basic), low byte rack (3 bits) / slot (5 bits)
                int rs = tsap & 0xFF;
                session.facts().accept(new Fact.ServiceDetail(t, session.endpoint(session.serverSide()), PROTOCOL,
                        session.transport(), "server", "rackSlot", ((rs >> 5) & 7) + "/" + (rs & 0x1F)));
                session.detail("connectionType", connectionType(tsap >> 8));
            }
        }
    }

    private static String connectionType(int t) {
        return switch (t) {
            case 1 -> "PG";
            case 2 -> "OP";
            case 3 -> "S7 basic";
            default -> "other";
        };
    }

    /** S7comm-plus: counted with its protocol version only. */
    public void onPlus(int side, byte[] b, int off, int len, long t) {
        plusSeen = true;
        String v = len < 2 ? "short" : switch (b[off + 1] & 0xFF) {
            case 1 -> "V1";
            case 2 -> "V2";
            case 3 -> "V3";
            case 0xFE -> "system event";
            default -> "other";
        };
        session.detail("s7commPlus", v);
        roles(t);
    }

    @Override
    public void onTsdu(int side, byte[] b, int off, int len, long t) {
        s7Seen = true;
        try {
            pdu(side, b, off, len, t);
        } catch (RuntimeException e) { // last line of defence
            session.malformed(side, "s7comm decoder error");
        }
        roles(t);
    }

    private void pdu(int side, byte[] b, int off, int len, long t) {
        if (len < 10) {
            session.malformed(side, "s7comm short header");
            return;
        }
        int rosctr = b[off + 1] & 0xFF;
        int plen = u16(b, off + 6), dlen = u16(b, off + 8);
        int h = rosctr == ROSCTR_ACK || rosctr == ROSCTR_ACK_DATA ? 12 : 10;
        if (len < h + plen + dlen) {
            session.malformed(side, "s7comm truncated PDU");
            return;
        }
        int p = off + h, d = p + plen;
        switch (rosctr) {
            case ROSCTR_JOB -> { ctx.learnClient(side); job(b, p, plen); }
            case ROSCTR_ACK, ROSCTR_ACK_DATA -> {
                ctx.learnServer(side);
                if (b[off + 10] != 0 || b[off + 11] != 0) session.detail("error", errorClass(b[off + 10] & 0xFF));
                if (plen >= 8 && (b[p] & 0xFF) == 0xF0) session.detail("pduLength", Integer.toString(u16(b, p + 6)));
            }
            case ROSCTR_USERDATA -> userdata(side, b, p, plen, d, dlen, t);
            default -> session.malformed(side, "s7comm unknown ROSCTR");
        }
    }

    private static String errorClass(int c) {
        return switch (c) {
            case 0x81 -> "application relationship";
            case 0x82 -> "object definition";
            case 0x83 -> "no resources";
            case 0x84 -> "service processing";
            case 0x85 -> "supplies";
            case 0x87 -> "access";
            default -> "other";
        };
    }

    private void job(byte[] b, int p, int plen) {
        if (plen < 1) return;
        int f = b[p] & 0xFF;
        switch (f) {
            case 0xF0 -> session.detail("setupCommunication", plen >= 8 ? Integer.toString(u16(b, p + 6)) : "short");
            case 0x04 -> session.operation(f, "READ_VAR", OperationKind.READ);
            case 0x05 -> session.operation(f, "WRITE_VAR", OperationKind.WRITE);
            case 0x1A -> session.operation(f, "REQUEST_DOWNLOAD", OperationKind.PROGRAM);
            case 0x1B -> session.operation(f, "DOWNLOAD_BLOCK", OperationKind.PROGRAM);
            case 0x1C -> session.operation(f, "DOWNLOAD_ENDED", OperationKind.PROGRAM);
            case 0x1D -> session.operation(f, "START_UPLOAD", OperationKind.PROGRAM);
            case 0x1E -> session.operation(f, "UPLOAD", OperationKind.PROGRAM);
            case 0x1F -> session.operation(f, "END_UPLOAD", OperationKind.PROGRAM);
            case 0x28 -> piService(b, p, plen);
            case 0x29 -> session.operation(f, "PLC_STOP", OperationKind.CONTROL);
            case 0x00 -> session.detail("job", "cpu services");
            default -> session.detail("job", "unknown function");
        }
    }

    /** PLC control (0x28): 7 unknown octets, parameter block length + block, then the PI service name. */
    private void piService(byte[] b, int p, int plen) {
        int end = p + plen;
        int q = p + 8;
        String name = "PLC_CONTROL";
        OperationKind kind = OperationKind.CONTROL;
        if (q + 2 <= end) {
            int bl = u16(b, q);
            q += 2 + bl;
            if (q < end) {
                int sl = b[q] & 0xFF;
                if (q + 1 + sl <= end && sl >= 5) {
                    int s = q + 1;
                    if (is(b, s, sl, "_DELE")) { name = "PI_DELETE_BLOCK"; kind = OperationKind.PROGRAM; }
                    else if (is(b, s, sl, "_INSE")) { name = "PI_INSERT_BLOCK"; kind = OperationKind.PROGRAM; }
                    else if (is(b, s, sl, "_MODU")) { name = "PI_COPY_RAM_TO_ROM"; kind = OperationKind.PROGRAM; }
                    else if (is(b, s, sl, "_GARB")) name = "PI_COMPRESS";
                    else if (is(b, s, sl, "P_PROGRAM")) name = "PLC_START";
                }
            }
        }
        session.operation(0x28, name, kind);
    }

    private static boolean is(byte[] b, int off, int len, String prefix) {
        if (len < prefix.length()) return false;
        for (int i = 0; i < prefix.length(); i++) if (b[off + i] != prefix.charAt(i)) return false;
        return true;
    }

    private void userdata(int side, byte[] b, int p, int plen, int d, int dlen, long t) {
        if (plen < 8 || b[p] != 0 || b[p + 1] != 1 || b[p + 2] != 0x12) {
            session.malformed(side, "s7comm bad userdata header");
            return;
        }
        int tg = b[p + 5] & 0xFF;
        int type = tg >> 4, group = tg & 0x0F, sub = b[p + 6] & 0xFF;
        boolean request = type == 4, response = type == 8;
        if (request) ctx.learnClient(side);
        else if (response) ctx.learnServer(side);
        if (!response) session.detail("userdata", userdataName(group, sub));
        if (group != 4 || sub != 1 || dlen < 4 || (b[d] & 0xFF) != 0xFF) return;
        if (request) {
            if (dlen >= 8) session.detail("szl", szlName(u16(b, d + 4)));
            return;
        }
        if (!response || plen < 12) return;
        boolean more = b[p + 9] != 0;
        if (szlFill[side] > 0) {
            // continuation: its records go after what the earlier fragments carried
            append(side, b, d + 4, dlen - 4);
            if (!more) {
                byte[] a = szlBuf[side];
                int n = szlFill[side];
                szlFill[side] = 0;
                if (n >= 12) szlData(side, a, 0, n, u16(a, 4), t);
            }
        } else if (more) {
            if (dlen >= 12) append(side, b, d, dlen);
        } else if (dlen >= 12) {
            szlData(side, b, d, dlen, u16(b, d + 4), t);
        }
    }

    /** Collects a fragmented SZL answer, capped; overflow drops the answer. */
    private void append(int side, byte[] b, int off, int len) {
        if (len <= 0) return;
        if (szlBuf[side] == null) szlBuf[side] = new byte[1024];
        if (szlFill[side] + len > MAX_SZL) {
            szlFill[side] = 0;
            szlDropped++;
            return;
        }
        if (szlBuf[side].length < szlFill[side] + len) {
            szlBuf[side] = java.util.Arrays.copyOf(szlBuf[side], Math.min(MAX_SZL, Math.max(szlFill[side] + len, szlBuf[side].length * 2)));
        }
        System.arraycopy(b, off, szlBuf[side], szlFill[side], len);
        szlFill[side] += len;
    }

    private static String userdataName(int group, int sub) {
        return switch (group) {
            case 1 -> "mode transition";
            case 2 -> "cyclic data";
            case 3 -> switch (sub) {
                case 1 -> "block list";
                case 2 -> "block list of type";
                case 3 -> "block info";
                default -> "block functions";
            };
            case 4 -> switch (sub) {
                case 1 -> "read SZL";
                case 2 -> "message service";
                case 3 -> "diagnostic message";
                default -> "cpu functions";
            };
            case 5 -> sub == 1 ? "security password" : "security";
            case 6 -> "programmer commands";
            case 7 -> switch (sub) {
                case 1 -> "read clock";
                case 2 -> "set clock";
                default -> "time functions";
            };
            case 0xF -> "nc programming";
            default -> "other";
        };
    }

    private static final int[] SZL_IDS = {0x0000, 0x0011, 0x001C, 0x0111, 0x0131, 0x0132, 0x0424, 0x0074, 0x0019,
            0x001A, 0x001B, 0x003A, 0x00A0, 0x0112, 0x0174, 0x0222, 0x0C91, 0x0D91, 0x0F11, 0x0F12, 0x0F1A, 0x0F1B,
            0x0F1C, 0x0F3A, 0x0F74};
    private static final String[] SZL_NAMES = new String[SZL_IDS.length];

    static {
        for (int i = 0; i < SZL_IDS.length; i++) {
            String h = Integer.toHexString(SZL_IDS[i]);
            SZL_NAMES[i] = "0x" + "0000".substring(h.length()) + h;
        }
    }

    private static String szlName(int szl) {
        for (int i = 0; i < SZL_IDS.length; i++) if (SZL_IDS[i] == szl) return SZL_NAMES[i];
        return "other";
    }

    /** SZL response data: return code, transport size, length, then SZL-ID, index, record length, record count. */
    private void szlData(int side, byte[] b, int d, int dlen, int szl, long t) {
        if (dlen < 12) return;
        int recLen = u16(b, d + 8), count = u16(b, d + 10);
        int r = d + 12, end = d + dlen;
        int kind = szl & 0xFF;
        if (kind != 0x11 && kind != 0x1C) return;
        for (int i = 0; i < count && recLen >= 2 && r + recLen <= end; i++, r += recLen) {
            int index = u16(b, r);
            if (kind == 0x11 && recLen >= 28) moduleIdentification(side, b, r, index, t);
            else if (kind == 0x1C && recLen >= 34) componentIdentification(side, b, r, index, t);
        }
    }

    // attribute bits for identitySent
    private static final int A_MODEL = 0, A_HARDWARE = 1, A_FIRMWARE = 2, A_FWEXT = 3, A_NAME = 4, A_MODULE = 5,
            A_PLANT = 6, A_COPYRIGHT = 7, A_SERIAL = 8, A_TYPE = 9, A_MC_SERIAL = 10, A_LOCATION = 11;

    /** SZL xy11 record: index, MlfB (order number, 20 chars), BGTyp, Ausbg, Ausbe. */
    private void moduleIdentification(int side, byte[] b, int r, int index, long t) {
        switch (index) {
            case 0x0001 -> identity(side, A_MODEL, "model", b, r + 2, 20, t);
            case 0x0006 -> identity(side, A_HARDWARE, "hardware", b, r + 2, 20, t);
            case 0x0007 -> {
                // basic firmware: the version is in Ausbg/Ausbe as 'V', major, minor, patch
                if ((b[r + 24] & 0xFF) == 'V' && (identitySent[side] & (1 << A_FIRMWARE)) == 0) {
                    identitySent[side] |= 1 << A_FIRMWARE;
                    emit(side, "firmware", "V" + (b[r + 25] & 0xFF) + "." + (b[r + 26] & 0xFF) + "." + (b[r + 27] & 0xFF), t);
                }
            }
            case 0x0081 -> identity(side, A_FWEXT, "firmwareExtension", b, r + 2, 20, t);
            default -> { }
        }
    }

    /** SZL xy1C record: index and a 32-character text (the serial number has 24). */
    private void componentIdentification(int side, byte[] b, int r, int index, long t) {
        switch (index) {
            case 1 -> identity(side, A_NAME, "name", b, r + 2, 24, t);
            case 2 -> identity(side, A_MODULE, "moduleName", b, r + 2, 24, t);
            case 3 -> identity(side, A_PLANT, "plantId", b, r + 2, 32, t);
            case 4 -> identity(side, A_COPYRIGHT, "copyright", b, r + 2, 26, t);
            case 5 -> identity(side, A_SERIAL, "serial", b, r + 2, 24, t);
            case 7 -> identity(side, A_TYPE, "moduleTypeName", b, r + 2, 32, t);
            case 8 -> identity(side, A_MC_SERIAL, "memoryCardSerial", b, r + 2, 32, t);
            case 0x0B -> identity(side, A_LOCATION, "location", b, r + 2, 32, t);
            default -> { }
        }
    }

    private void identity(int side, int bit, String attr, byte[] b, int off, int len, long t) {
        if ((identitySent[side] & (1 << bit)) != 0) return;
        String v = text(b, off, len);
        if (v == null) return;
        identitySent[side] |= 1 << bit;
        emit(side, attr, v, t);
    }

    private void emit(int side, String attr, String v, long t) {
        session.facts().accept(new Fact.Identity(t, session.endpoint(side), attr, v, SOURCE, Confidence.STATED));
    }

    /** Text padded with NULs or spaces; stops at the first NUL; null when empty or not printable. */
    static String text(byte[] b, int off, int len) {
        int n = 0;
        while (n < len && n < MAX_TEXT && b[off + n] != 0) n++;
        while (n > 0 && b[off + n - 1] == ' ') n--;
        int s = 0;
        while (s < n && b[off + s] == ' ') s++;
        if (s >= n) return null;
        char[] c = new char[n - s];
        for (int i = s; i < n; i++) {
            int v = b[off + i] & 0xFF;
            if (v < 0x20 || v == 0x7F) return null;
            c[i - s] = (char) v;
        }
        return new String(c);
    }

    private static int u16(byte[] b, int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }
}
