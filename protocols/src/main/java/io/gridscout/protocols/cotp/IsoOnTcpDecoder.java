package io.gridscout.protocols.cotp;

import io.gridscout.protocols.flow.ProtocolDecoder;
import io.gridscout.protocols.flow.Session;
import io.gridscout.protocols.mms.MmsDecoder;
import io.gridscout.protocols.s7comm.S7CommDecoder;

/**
 * RFC 1006 TPKT + ISO 8073 COTP (class 0) on port 102. Reassembles TPKTs from the byte stream and TSDUs from DT
 * TPDUs (until EOT), then hands each TSDU to the protocol it starts with: 0x32 S7comm, 0x72 S7comm-plus, else an
 * ISO 8327 session SPDU carrying MMS. CR sender is the client, CC sender the server.
 */
public final class IsoOnTcpDecoder implements ProtocolDecoder {
    /** Largest TSDU kept; longer ones (large MMS reads) are dropped and counted. */
    static final int MAX_TSDU = 16 * 1024;
    private static final int TPKT_HEADER = 4;

    private final Session session;
    private final IsoContext ctx;
    private final Side[] sides = {new Side(), new Side()};
    private MmsDecoder mms;
    private S7CommDecoder s7;
    private long tsduDropped;

    /** Per-direction reassembly state; buffers grow on demand up to their caps. */
    private static final class Side {
        final byte[] header = new byte[TPKT_HEADER];
        int headerFill;
        byte[] tpkt = new byte[0];
        int tpktLen; // payload length of the TPKT being collected (after its header), -1 none
        int tpktFill;
        boolean skipping; // TPKT too long to keep: its bytes are discarded
        byte[] tsdu = new byte[0];
        int tsduFill;
        boolean tsduOverflow;
        boolean resyncing;
    }

    public IsoOnTcpDecoder(Session session) {
        this.session = session;
        this.ctx = new IsoContext(session);
    }

    @Override
    public void onData(int side, byte[] b, int off, int len, long t) {
        if (side < 0 || side > 1 || b == null || off < 0 || len <= 0 || off + len > b.length) return;
        try {
            feed(side, b, off, len, t);
        } catch (RuntimeException e) { // last line of defence
            reset(sides[side]);
            session.malformed(side, "iso-on-tcp decoder error");
        }
    }

    @Override
    public void onGap(int side, long t) {
        if (side == 0 || side == 1) reset(sides[side]);
    }

    private static void reset(Side s) {
        s.headerFill = 0;
        s.tpktFill = 0;
        s.skipping = false;
        s.tsduFill = 0;
        s.tsduOverflow = false;
        s.resyncing = false;
    }

    private void feed(int side, byte[] b, int off, int len, long t) {
        Side s = sides[side];
        int end = off + len;
        while (off < end) {
            if (s.headerFill < TPKT_HEADER) {
                // fast path: a whole TPKT in this chunk
                if (s.headerFill == 0 && end - off >= TPKT_HEADER && b[off] == 3 && b[off + 1] == 0) {
                    int l = ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
                    if (l >= TPKT_HEADER + 3 && end - off >= l) {
                        s.resyncing = false;
                        cotp(side, b, off + TPKT_HEADER, l - TPKT_HEADER, t);
                        off += l;
                        continue;
                    }
                }
                byte v = b[off++];
                if (s.headerFill == 0 && v != 3 || s.headerFill == 1 && v != 0) {
                    s.headerFill = 0;
                    if (!s.resyncing) {
                        s.resyncing = true;
                        session.malformed(side, "tpkt bad version");
                    }
                    continue;
                }
                s.header[s.headerFill++] = v;
                if (s.headerFill == TPKT_HEADER) {
                    int l = ((s.header[2] & 0xFF) << 8) | (s.header[3] & 0xFF);
                    if (l < TPKT_HEADER + 3) {
                        s.headerFill = 0;
                        if (!s.resyncing) {
                            s.resyncing = true;
                            session.malformed(side, "tpkt bad length");
                        }
                        continue;
                    }
                    s.resyncing = false;
                    s.tpktLen = l - TPKT_HEADER;
                    s.tpktFill = 0;
                    s.skipping = s.tpktLen > MAX_TSDU + 64;
                    if (s.skipping) {
                        tsduDropped++;
                        session.detail("cotp", "tpkt too large");
                        s.tsduFill = 0;
                        s.tsduOverflow = true;
                    } else if (s.tpkt.length < s.tpktLen) {
                        s.tpkt = new byte[Math.max(s.tpktLen, Math.min(MAX_TSDU + 64, s.tpkt.length * 2))];
                    }
                }
                continue;
            }
            int n = Math.min(end - off, s.tpktLen - s.tpktFill);
            if (!s.skipping) System.arraycopy(b, off, s.tpkt, s.tpktFill, n);
            s.tpktFill += n;
            off += n;
            if (s.tpktFill == s.tpktLen) {
                s.headerFill = 0;
                if (!s.skipping) cotp(side, s.tpkt, 0, s.tpktLen, t);
                s.skipping = false;
            }
        }
    }

    /** One COTP TPDU (TPKT payload). */
    private void cotp(int side, byte[] b, int off, int len, long t) {
        int li = b[off] & 0xFF;
        if (li < 2 || li + 1 > len) {
            session.malformed(side, "cotp bad length indicator");
            return;
        }
        int type = b[off + 1] & 0xF0;
        switch (type) {
            case 0xF0 -> data(side, b, off, li, len, t);
            case 0xE0 -> { // CR
                if (li >= 6) tsaps(b, off + 7, off + 1 + li);
                session.detail("cotp", "CR");
                // RDP puts its cookie and negotiation request inside the CR's variable part (the LI counts them)
                String rdp = li >= 6 ? rdp(b, off + 7, off + 1 + li) : null;
                if (rdp != null) {
                    // RDP's X.224 Connection Request (MS-RDPBCGR 2.2.1.1): remote desktop on any port, not ISO-TSAP
                    ctx.protocol("rdp");
                    session.detail("rdp", rdp);
                }
                ctx.learnClient(side);
                upperRoles(t);
            }
            case 0xD0 -> {
                session.detail("cotp", "CC");
                ctx.learnServer(side);
                upperRoles(t);
            }
            case 0x80 -> session.detail("cotp", "DR");
            case 0xC0 -> session.detail("cotp", "DC");
            case 0x70 -> session.detail("cotp", "ER");
            case 0x10 -> session.detail("cotp", "ED");
            case 0x60, 0x20 -> session.detail("cotp", "AK");
            default -> session.malformed(side, "cotp unknown TPDU type");
        }
    }

    /**
     * What marks the CR's user data as RDP: a "Cookie: mstshash=" (or routing token "Cookie: msts=") line and/or an
     * RDP_NEG_REQ (type 1, length 8) at its end; null when neither is there.
     */
    static String rdp(byte[] b, int p, int end) {
        if (p < 0 || end > b.length || p >= end) return null;
        String found = null;
        byte[] cookie = "Cookie: msts".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        if (end - p >= cookie.length && java.util.Arrays.equals(b, p, p + cookie.length, cookie, 0, cookie.length)) found = "cookie";
        if (end - p >= 8) {
            int q = end - 8;
            if ((b[q] & 0xFF) == 0x01 && (b[q + 2] & 0xFF) == 0x08 && b[q + 3] == 0
                    && (q == p || (b[q - 2] == '\r' && b[q - 1] == '\n'))) found = found == null ? "negotiation request" : "cookie and negotiation request";
        }
        return found;
    }

    private void tsaps(byte[] b, int p, int end) {
        while (p + 2 <= end) {
            int code = b[p] & 0xFF, l = b[p + 1] & 0xFF;
            if (p + 2 + l > end) return;
            if (code == 0xC2 && l >= 1 && l <= 4) {
                int v = 0;
                for (int i = 0; i < l; i++) v = (v << 8) | (b[p + 2 + i] & 0xFF);
                ctx.calledTsap = v;
                ctx.calledTsapLen = l;
            }
            p += 2 + l;
        }
    }

    private void data(int side, byte[] b, int off, int li, int len, long t) {
        boolean eot = (b[off + 2] & 0x80) != 0;
        int dOff = off + 1 + li, dLen = len - 1 - li;
        Side s = sides[side];
        if (eot && s.tsduFill == 0 && !s.tsduOverflow) {
            tsdu(side, b, dOff, dLen, t);
            return;
        }
        if (!s.tsduOverflow) {
            if (s.tsduFill + dLen > MAX_TSDU) {
                s.tsduOverflow = true;
                tsduDropped++;
                session.detail("cotp", "tsdu too large");
            } else {
                if (s.tsdu.length < s.tsduFill + dLen) {
                    s.tsdu = java.util.Arrays.copyOf(s.tsdu, Math.min(MAX_TSDU, Math.max(s.tsduFill + dLen, s.tsdu.length * 2)));
                }
                System.arraycopy(b, dOff, s.tsdu, s.tsduFill, dLen);
                s.tsduFill += dLen;
            }
        }
        if (eot) {
            if (!s.tsduOverflow) tsdu(side, s.tsdu, 0, s.tsduFill, t);
            s.tsduFill = 0;
            s.tsduOverflow = false;
        }
    }

    private void tsdu(int side, byte[] b, int off, int len, long t) {
        if (len <= 0) return;
        int first = b[off] & 0xFF;
        if (first == 0x32) {
            if (s7 == null) s7 = new S7CommDecoder(ctx);
            ctx.protocol("s7comm");
            s7.onTsdu(side, b, off, len, t);
        } else if (first == 0x72) {
            if (s7 == null) s7 = new S7CommDecoder(ctx);
            ctx.protocol("s7comm-plus");
            s7.onPlus(side, b, off, len, t);
        } else {
            if (mms == null) mms = new MmsDecoder(ctx);
            ctx.protocol("mms");
            mms.onTsdu(side, b, off, len, t);
        }
    }

    private void upperRoles(long t) {
        if (mms != null) mms.roles(t);
        if (s7 != null) s7.roles(t);
    }

    long tsduDropped() {
        return tsduDropped;
    }
}
