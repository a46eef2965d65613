package io.gridscout.protocols.dlms;

import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.ProtocolDecoder;
import io.gridscout.protocols.flow.Session;
import io.gridscout.protocols.util.StreamBuffer;

/**
 * Frames DLMS/COSEM APDUs out of one session and hands them to {@link Xdlms}. Two framings, told apart by the
 * first byte of the session (IEC 62056-47 / Green Book):
 * <ul>
 * <li>TCP/UDP wrapper: version 0x0001, source wPort, destination wPort, length, APDU (8-byte header)</li>
 * <li>HDLC (IEC 62056-46, serial-over-IP): type A frames checked by HCS/FCS; I and UI frames carry LLC
 *     E6 E6 00 (to the server) or E6 E7 00 (from the server) before the APDU; segmented frames are joined.</li>
 * </ul>
 */
final class DlmsDecoder implements ProtocolDecoder {
    private static final int MAX_FRAME = 65_535 + 8;
    private static final int MAX_APDU = 16_384;
    private static final int UNKNOWN = 0, WRAPPER = 1, HDLC = 2;

    private final Session s;
    private final Xdlms xdlms;
    private final StreamBuffer[] in = {new StreamBuffer(MAX_FRAME), new StreamBuffer(MAX_FRAME)};
    private final StreamBuffer[] segments = {new StreamBuffer(MAX_APDU), new StreamBuffer(MAX_APDU)};
    private final Hdlc.Frame frame = new Hdlc.Frame();
    private int framing = UNKNOWN;
    long dropped;

    DlmsDecoder(Session s) {
        this.s = s;
        this.xdlms = new Xdlms(s);
    }

    @Override
    public void onData(int side, byte[] b, int off, int len, long t) {
        if (len <= 0) return;
        if (framing == UNKNOWN) framing = (b[off] & 0xFF) == 0x7E ? HDLC : WRAPPER;
        if (s.transport() == Transport.UDP) {             // one datagram, one or more whole frames
            frames(side, b, off, off + len, t);
            return;
        }
        StreamBuffer buf = in[side];
        if (buf.length() == 0) {
            int used = frames(side, b, off, off + len, t);
            if (used < len && !buf.append(b, off + used, len - used)) overflow(side);
            return;
        }
        if (!buf.append(b, off, len)) {
            overflow(side);
            return;
        }
        buf.consume(frames(side, buf.data(), 0, buf.length(), t));
    }

    private void overflow(int side) {
        dropped++;
        in[side].clear();
        segments[side].clear();
        s.malformed(side, "DLMS frame over buffer cap");
    }

    /** Decodes every whole frame in [p, end); the number of bytes used (the rest is an incomplete frame). */
    private int frames(int side, byte[] b, int start, int end, long t) {
        int p = start;
        while (p < end) {
            int n = framing == HDLC ? hdlc(side, b, p, end, t) : wrapper(side, b, p, end, t);
            if (n < 0) break;                              // incomplete
            if (n == 0) {                                  // garbage: drop this segment's bytes, resync on next data
                in[side].clear();
                return end - start;
            }
            p += n;
        }
        return p - start;
    }

    private int wrapper(int side, byte[] b, int p, int end, long t) {
        if (end - p < 8) return -1;
        if (b[p] != 0 || b[p + 1] != 1) {
            s.malformed(side, "bad DLMS wrapper version");
            return 0;
        }
        int l = ((b[p + 6] & 0xFF) << 8) | (b[p + 7] & 0xFF);
        if (end - p - 8 < l) return -1;
        xdlms.apdu(side, b, p + 8, p + 8 + l, t);
        return 8 + l;
    }

    private int hdlc(int side, byte[] b, int p, int end, long t) {
        int start = p;
        while (p + 1 < end && (b[p] & 0xFF) == 0x7E && (b[p + 1] & 0xFF) == 0x7E) p++;   // shared or idle flags
        int total = Hdlc.frameLength(b, p, end);
        if (total < 0) return -1;
        if (total == 0) {
            s.malformed(side, "not an HDLC type A frame");
            return 0;
        }
        if (end - p < total) return -1;
        if (!Hdlc.parse(b, p, total, frame)) {
            s.malformed(side, frame.error);
            segments[side].clear();
            return p - start + total;
        }
        control(side, t);
        if (frame.infoLen > 0 && ((frame.control & 1) == 0 || (frame.control & 0xEF) == 0x03)) information(side, b, t);
        return p - start + total;
    }

    /** Unnumbered frames that tell the roles: SNRM/DISC come from the client, UA/DM from the server. */
    private void control(int side, long t) {
        switch (frame.control & 0xEF) {
            case 0x83, 0x43 -> s.serverSide(1 - side);
            case 0x63, 0x0F -> s.serverSide(side);
            default -> { }
        }
    }

    /** I or UI frame information: LLC then APDU, possibly over several segmented frames. */
    private void information(int side, byte[] b, long t) {
        StreamBuffer seg = segments[side];
        int p = frame.infoOff, n = frame.infoLen;
        if (seg.length() == 0) {
            if (n < 3 || (b[p] & 0xFF) != 0xE6 || ((b[p + 1] & 0xFF) != 0xE6 && (b[p + 1] & 0xFF) != 0xE7) || b[p + 2] != 0) {
                s.malformed(side, "HDLC information without DLMS LLC");
                return;
            }
            p += 3;
            n -= 3;
            if (!frame.segmented) {
                xdlms.apdu(side, b, p, p + n, t);
                return;
            }
            if (n == 0) return;
        }
        if (!seg.append(b, p, n)) {
            dropped++;
            seg.clear();
            s.malformed(side, "segmented DLMS APDU over cap");
            return;
        }
        if (!frame.segmented) {
            xdlms.apdu(side, seg.data(), 0, seg.length(), t);
            seg.clear();
        }
    }

    @Override
    public void onGap(int side, long t) {
        in[side].clear();
        segments[side].clear();
    }
}
