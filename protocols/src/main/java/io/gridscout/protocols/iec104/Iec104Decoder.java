package io.gridscout.protocols.iec104;

import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.OperationKind;
import io.gridscout.protocols.flow.ProtocolDecoder;
import io.gridscout.protocols.flow.Session;

/**
 * IEC 60870-5-104: APCI framing (start 0x68, length 4..253, four control octets) and the ASDU header
 * (type id, VSQ, two-octet cause of transmission, two-octet common address). The controlling station is the
 * "client", the controlled station (outstation) the "server"; which is which comes from STARTDT act/con and from
 * the direction rules of the causes of transmission.
 */
final class Iec104Decoder implements ProtocolDecoder {
    static final String PROTOCOL = "iec104";
    static final int MAX_APDU = 255;
    static final int MAX_COMMON_ADDRESSES = 64;

    private static final int COT_REQUEST = 5, COT_ACT = 6, COT_ACTCON = 7, COT_DEACT = 8, COT_DEACTCON = 9,
            COT_ACTTERM = 10, COT_FILE = 13;

    private final Session session;
    private final byte[][] buf = {new byte[MAX_APDU], new byte[MAX_APDU]};
    private final int[] fill = new int[2];
    private final boolean[] resyncing = new boolean[2];
    private final boolean[] roleSent = new boolean[2];
    /** Common addresses seen; reported on the controlled station once it is known. */
    private final int[] commonAddresses = new int[MAX_COMMON_ADDRESSES];
    private int caCount, caReported;
    private long caDropped;

    Iec104Decoder(Session session) {
        this.session = session;
    }

    @Override
    public void onData(int side, byte[] b, int off, int len, long t) {
        if (side < 0 || side > 1 || b == null || off < 0 || len <= 0 || off + len > b.length) return;
        try {
            feed(side, b, off, len, t);
        } catch (RuntimeException e) { // last line of defence: a bug must not stop the pipeline
            fill[side] = 0;
            session.malformed(side, "iec104 decoder error");
        }
    }

    private void feed(int side, byte[] b, int off, int len, long t) {
        int end = off + len;
        byte[] acc = buf[side];
        while (off < end) {
            int f = fill[side];
            if (f == 0) {
                if (b[off] != 0x68) {
                    if (!resyncing[side]) {
                        resyncing[side] = true;
                        session.malformed(side, "iec104 no start byte");
                    }
                    off++;
                    continue;
                }
                // fast path: a whole APDU in this chunk is decoded in place
                if (end - off >= 2) {
                    int l = b[off + 1] & 0xFF;
                    if (l < 4 || l > 253) {
                        badLength(side);
                        off++;
                        continue;
                    }
                    if (end - off >= l + 2) {
                        resyncing[side] = false;
                        apdu(side, b, off, l, t);
                        off += l + 2;
                        continue;
                    }
                }
            }
            acc[f++] = b[off++];
            fill[side] = f;
            if (f >= 2) {
                int l = acc[1] & 0xFF;
                if (l < 4 || l > 253) {
                    fill[side] = 0;
                    badLength(side);
                    continue;
                }
                if (f == l + 2) {
                    fill[side] = 0;
                    resyncing[side] = false;
                    apdu(side, acc, 0, l, t);
                }
            }
        }
    }

    private void badLength(int side) {
        if (!resyncing[side]) {
            resyncing[side] = true;
            session.malformed(side, "iec104 bad APDU length");
        }
    }

    @Override
    public void onGap(int side, long t) {
        if (side == 0 || side == 1) {
            fill[side] = 0;
            resyncing[side] = false;
        }
    }

    /** One APDU at {@code off}; {@code l} is the APDU length field (control octets + ASDU). */
    private void apdu(int side, byte[] b, int off, int l, long t) {
        int c1 = b[off + 2] & 0xFF;
        if ((c1 & 1) == 0) {
            if (l < 4 + 6) {
                session.malformed(side, "iec104 short ASDU");
                return;
            }
            asdu(side, b, off + 6, l - 4, t);
        } else if ((c1 & 3) == 1) {
            session.detail("apci", "S");
        } else {
            switch (c1 & 0xFC) {
                case 0x04 -> { session.detail("apci", "STARTDT act"); learnClient(side, t); }
                case 0x08 -> { session.detail("apci", "STARTDT con"); learnServer(side, t); }
                case 0x10 -> { session.detail("apci", "STOPDT act"); learnClient(side, t); }
                case 0x20 -> { session.detail("apci", "STOPDT con"); learnServer(side, t); }
                case 0x40 -> session.detail("apci", "TESTFR act");
                case 0x80 -> session.detail("apci", "TESTFR con");
                default -> session.malformed(side, "iec104 bad U-format function");
            }
            knownRoles(t);
        }
    }

    private void asdu(int side, byte[] b, int off, int len, long t) {
        int type = b[off] & 0xFF;
        int cotByte = b[off + 2] & 0xFF;
        int cot = cotByte & 0x3F;
        int ca = (b[off + 4] & 0xFF) | ((b[off + 5] & 0xFF) << 8);
        String name = Iec104Types.name(type);
        if (name == null) {
            session.malformed(side, "iec104 unknown type id");
            return;
        }
        if ((cotByte & 0x40) != 0) session.detail("negativeConfirm", name);
        if ((cotByte & 0x80) != 0) session.detail("test", name);
        if (cot >= 44 && cot <= 47) session.detail("cotUnknown", cot == 44 ? "type" : cot == 45 ? "cause" : cot == 46 ? "commonAddress" : "ioa");
        if (ca != 0 && ca != 0xFFFF) addCommonAddress(ca);

        if (Iec104Types.monitorOnly(type)) {
            learnServer(side, t);
        } else if (Iec104Types.controlDirection(type)) {
            if (cot == COT_ACT || cot == COT_DEACT || (cot == COT_REQUEST && type == 102)) {
                learnClient(side, t);
                OperationKind k = Iec104Types.kind(type);
                if (cot != COT_DEACT) session.operation(type, name, k);
                else session.detail("deactivate", name);
            } else if (cot == COT_ACTCON || cot == COT_DEACTCON || cot == COT_ACTTERM || cot >= 44) {
                learnServer(side, t);
            }
        } else if (Iec104Types.fileTransfer(type) || cot == COT_FILE) {
            // file transfer flows both ways; count what the controlling station sends
            if (session.clientSide() == side) session.operation(type, name, OperationKind.PROGRAM);
        } else if (Iec104Types.kind(type) != null) {
            session.detail("security", name);
        }
        knownRoles(t);
    }

    private void addCommonAddress(int ca) {
        for (int i = 0; i < caCount; i++) if (commonAddresses[i] == ca) return;
        if (caCount == commonAddresses.length) {
            caDropped++;
            return;
        }
        commonAddresses[caCount++] = ca;
    }

    private void learnClient(int side, long t) {
        if (session.serverSide() < 0) session.serverSide(1 - side);
    }

    private void learnServer(int side, long t) {
        if (session.serverSide() < 0) session.serverSide(side);
    }

    /** Reports roles and new common addresses once the controlled station is known. */
    private void knownRoles(long t) {
        int server = session.serverSide();
        if (server < 0) return;
        for (int s = 0; s < 2; s++) {
            if (!roleSent[s]) {
                roleSent[s] = true;
                session.facts().accept(new Fact.Service(t, session.endpoint(s), PROTOCOL, session.transport(),
                        s == server ? "server" : "client"));
            }
        }
        while (caReported < caCount) {
            session.facts().accept(new Fact.ServiceDetail(t, session.endpoint(server), PROTOCOL, session.transport(),
                    "server", "commonAddresses", (long) commonAddresses[caReported++]));
        }
    }

    long commonAddressesDropped() {
        return caDropped;
    }
}
