package io.gridscout.protocols.c1222;

import io.gridscout.protocols.fact.Confidence;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.OperationKind;
import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.ProtocolDecoder;
import io.gridscout.protocols.flow.Session;
import io.gridscout.protocols.util.Ber;
import io.gridscout.protocols.util.LongSet;
import io.gridscout.protocols.util.ServiceRoles;
import io.gridscout.protocols.util.StreamBuffer;
import io.gridscout.protocols.util.Text;

/**
 * ANSI C12.22 (IEEE 1703) messages of one session: ACSE-like PDUs (0x60, BER) whose user-information carries
 * an EPSEM (flags byte, optional 4-byte ED class, then length-prefixed services ending with a zero length).
 * Request codes (>= 0x20) come from the client and are operations; responses (< 0x20) come from the server and
 * are paired with requests in order (a bounded FIFO). An identification (0x20) response states the standard,
 * version, revision and, among its features, the device class and device identity.
 * The calling-AP-title of each message identifies its sender ("apTitle"). Security mode 2 (ciphertext) is only
 * counted. The calling-authentication-value and logon/security passwords are never read into strings.
 */
final class C1222Decoder implements ProtocolDecoder {
    static final String PROTOCOL = "c1222";
    static final String SOURCE = "c1222";
    private static final int MAX_MESSAGE = 65_536;
    private static final int MAX_PENDING = 8;
    private static final String[] STANDARDS = {"C12.18", "C12.19-IC", "C12.21", "C12.22"};

    private final Session s;
    private final ServiceRoles roles;
    private final Ber ber = new Ber();
    private final StreamBuffer[] in = {new StreamBuffer(MAX_MESSAGE), new StreamBuffer(MAX_MESSAGE)};
    private final int[] pending = new int[MAX_PENDING];     // request codes awaiting a response, FIFO
    private int pendingHead, pendingSize;
    private final LongSet sent = new LongSet(64);
    long pendingDropped;

    C1222Decoder(Session s) {
        this.s = s;
        this.roles = new ServiceRoles(s, PROTOCOL, "client", "server");
    }

    @Override
    public void onData(int side, byte[] b, int off, int len, long t) {
        if (len <= 0) return;
        if (s.transport() == Transport.UDP) {
            int p = off, end = off + len;
            while (p < end) {
                int n = message(side, b, p, end, t);
                if (n <= 0) {
                    if (n < 0) s.malformed(side, "truncated C12.22 message");
                    return;
                }
                p += n;
            }
            return;
        }
        StreamBuffer buf = in[side];
        if (!buf.append(b, off, len)) {
            buf.clear();
            s.malformed(side, "C12.22 message over buffer cap");
            return;
        }
        int p = 0;
        while (p < buf.length()) {
            int n = message(side, buf.data(), p, buf.length(), t);
            if (n < 0) break;
            if (n == 0) {
                buf.clear();
                return;
            }
            p += n;
        }
        buf.consume(p);
    }

    @Override
    public void onGap(int side, long t) {
        in[side].clear();
        pendingSize = 0;
    }

    /** Bytes of the message at p: -1 incomplete, 0 not a C12.22 message (malformed reported). */
    private int message(int side, byte[] b, int p, int end, long t) {
        if ((b[p] & 0xFF) != 0x60) {
            s.malformed(side, "not a C12.22 ACSE PDU");
            return 0;
        }
        if (!ber.read(b, p, end) || ber.indefinite) {
            return end - p < 6 || lengthNeedsMore(b, p, end) ? -1 : malformed(side, "bad C12.22 length");
        }
        int total = ber.end() - p;
        int q = ber.valueOff, lim = ber.end();
        while (q < lim && ber.read(b, q, lim)) {
            int next = ber.end();
            if (ber.first == 0xA6) apTitle(side, b, ber.valueOff, next, t);
            else if (ber.first == 0xBE) userInformation(side, b, ber.valueOff, next, t);
            q = next;                          // 0xAC calling-authentication-value: skipped unread
        }
        return total;
    }

    /** True when the BER header at p is well formed but its value has not all arrived. */
    private static boolean lengthNeedsMore(byte[] b, int p, int end) {
        if (end - p < 2) return true;
        int l = b[p + 1] & 0xFF;
        if (l == 0x80) return false;
        int n = l > 0x80 ? l & 0x7F : 0;
        if (n > 3) return false;
        if (end - p < 2 + n) return true;
        int v = l;
        if (n > 0) { v = 0; for (int i = 0; i < n; i++) v = (v << 8) | (b[p + 2 + i] & 0xFF); }
        return 2 + n + v <= MAX_MESSAGE && end - p < 2 + n + v;
    }

    private int malformed(int side, String reason) {
        s.malformed(side, reason);
        return 0;
    }

    /** calling-AP-title: absolute (06) or relative ([0] 80, or universal 0D) OID of the sender. */
    private void apTitle(int side, byte[] b, int p, int end, long t) {
        if (!ber.read(b, p, end) || (ber.first != 0x06 && ber.first != 0x80 && ber.first != 0x0D) || ber.valueLen == 0 || ber.valueLen > 32) return;
        String oid = oid(b, ber.valueOff, ber.valueLen, ber.first != 0x06);
        if (oid != null) identity(side, "apTitle", oid, t);
    }

    /** user-information [30] { EXTERNAL (28) { [1] octet-aligned (81) EPSEM } }. */
    private void userInformation(int side, byte[] b, int p, int end, long t) {
        if (!ber.read(b, p, end) || ber.first != 0x28) return;
        int lim = ber.end();
        if (!ber.find(b, ber.valueOff, lim, 0x81)) {
            s.malformed(side, "C12.22 user-information without EPSEM");
            return;
        }
        epsem(side, b, ber.valueOff, ber.end(), t);
    }

    private void epsem(int side, byte[] b, int p, int end, long t) {
        if (p >= end) {
            s.malformed(side, "empty EPSEM");
            return;
        }
        int flags = b[p++] & 0xFF;
        if ((flags & 0x10) != 0) p += 4;          // ed-class
        int security = (flags >> 2) & 3;
        if (security == 2) {
            s.detail("encrypted", "epsem-ciphertext");
            int sv = s.serverSide();
            if (sv >= 0) detail(sv, "ciphered", "true", t);
            return;
        }
        if (security == 1) end -= 4;                // cleartext with authentication: 4-byte MAC at the end
        while (p < end) {
            long l = Ber.length(b, p, end);
            if (l < 0) {
                s.malformed(side, "bad EPSEM service length");
                return;
            }
            p += (int) (l >>> 32);
            int n = (int) l;
            if (n == 0) return;                     // end of services
            if (n > end - p) {
                s.malformed(side, "EPSEM service overruns");
                return;
            }
            service(side, b, p, n, t);
            p += n;
        }
    }


    private void service(int side, byte[] b, int p, int n, long t) {
        int code = b[p] & 0xFF;
        if (code >= 0x20) {
            roles.client(side, t);
            request(code, b, p, n);
            if (pendingSize == MAX_PENDING) {
                pendingDropped++;
                pendingHead = (pendingHead + 1) % MAX_PENDING;
                pendingSize--;
            }
            pending[(pendingHead + pendingSize++) % MAX_PENDING] = code;
            return;
        }
        roles.server(side, t);
        int req = -1;
        if (pendingSize > 0) {
            req = pending[pendingHead];
            pendingHead = (pendingHead + 1) % MAX_PENDING;
            pendingSize--;
        }
        if (code != 0) {
            s.detail("response", RESPONSES[Math.min(code, RESPONSES.length - 1)]);
            return;
        }
        if (req == 0x20) identification(side, b, p + 1, p + n, t);
    }

    private static final String[] RESPONSES = {"ok", "err", "sns", "isc", "onp", "iar", "bsy", "dnr", "dlk", "rno",
            "isss", "sme", "uat", "nett", "netr", "rqtl", "rstl", "sgnp", "sgerr", "other"};

    private void request(int code, byte[] b, int p, int n) {
        switch (code) {
            case 0x20 -> s.operation(code, "identify", OperationKind.DIAGNOSTIC);
            case 0x21 -> s.operation(code, "terminate", OperationKind.CONTROL);
            case 0x22 -> s.operation(code, "disconnect", OperationKind.CONTROL);
            case 0x24 -> s.operation(code, "deregister", OperationKind.OTHER);
            case 0x27 -> s.operation(code, "register", OperationKind.OTHER);
            case 0x29 -> s.operation(code, "resolve", OperationKind.OTHER);
            case 0x2A -> s.operation(code, "trace", OperationKind.DIAGNOSTIC);
            case 0x30 -> s.operation(code, "read", OperationKind.READ);
            case 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3E, 0x3F -> s.operation(code, "read-partial", OperationKind.READ);
            case 0x40 -> {
                // a full write of table 7 runs a procedure (ANSI C12.19): a command, not a data write
                boolean proc = n >= 3 && b[p + 1] == 0 && b[p + 2] == 7;
                if (proc) s.operation(code, "procedure", OperationKind.CONTROL);
                else s.operation(code, "write", OperationKind.WRITE);
            }
            case 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4E, 0x4F -> s.operation(code, "write-partial", OperationKind.WRITE);
            case 0x50 -> s.operation(code, "logon", OperationKind.CONTROL);
            case 0x51 -> s.operation(code, "security", OperationKind.CONTROL);
            case 0x52 -> s.operation(code, "logoff", OperationKind.CONTROL);
            case 0x53 -> s.operation(code, "authenticate", OperationKind.CONTROL);
            case 0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x6B -> s.operation(code, "negotiate", OperationKind.OTHER);
            case 0x70 -> s.operation(code, "wait", OperationKind.OTHER);
            case 0x71 -> s.operation(code, "timing-setup", OperationKind.OTHER);
            default -> s.operation(code, "other", OperationKind.OTHER);
        }
    }

    /**
     * ident-r after &lt;ok&gt;: &lt;std&gt; &lt;ver&gt; &lt;rev&gt; then features until 0x00: 0x04 security mechanism
     * (universal id), 0x05 session-ctrl byte, 0x06 device class (universal id), 0x07 device identity
     * (format byte, length byte, identity). Universal ids are BER OIDs (06 absolute or 0D relative).
     */
    private void identification(int side, byte[] b, int p, int end, long t) {
        if (end - p < 3) {
            s.malformed(side, "short identification response");
            return;
        }
        int std = b[p] & 0xFF;
        identity(side, "standard", std < STANDARDS.length ? STANDARDS[std] : Integer.toString(std), t);
        identity(side, "version", Integer.toString(b[p + 1] & 0xFF), t);
        identity(side, "revision", Integer.toString(b[p + 2] & 0xFF), t);
        p += 3;
        while (p < end) {
            int feature = b[p++] & 0xFF;
            switch (feature) {
                case 0x00 -> { return; }
                case 0x05 -> p++;
                case 0x04, 0x06 -> {
                    if (!ber.read(b, p, end) || (ber.first != 0x06 && ber.first != 0x0D) || ber.valueLen > 32) {
                        s.malformed(side, "bad identification feature");
                        return;
                    }
                    if (feature == 0x06) {
                        String oid = oid(b, ber.valueOff, ber.valueLen, ber.first == 0x0D);
                        if (oid != null) identity(side, "deviceClass", oid, t);
                    } else {
                        String oid = oid(b, ber.valueOff, ber.valueLen, ber.first == 0x0D);
                        if (oid != null) detail(side, "securityMechanism", oid, t);
                    }
                    p = ber.end();
                }
                case 0x07 -> {
                    if (end - p < 2) return;
                    int l = b[p + 1] & 0xFF;
                    p += 2;
                    if (l > end - p) {
                        s.malformed(side, "bad device identity");
                        return;
                    }
                    if (l > 0) identity(side, "name", printable(b, p, l) ? Text.printable(b, p, l) : Text.hex(b, p, l), t);
                    p += l;
                }
                default -> { return; }            // unknown feature: its length is unknown, stop
            }
        }
    }

    private static boolean printable(byte[] b, int p, int n) {
        for (int i = p; i < p + n; i++) if (b[i] < 0x20 || b[i] == 0x7F) return false;
        return true;
    }

    /** Dotted text of OID content octets; relative OIDs start with a dot. Null when malformed. */
    static String oid(byte[] b, int p, int n, boolean relative) {
        StringBuilder sb = new StringBuilder();
        long v = 0;
        boolean first = !relative;
        for (int i = p; i < p + n; i++) {
            v = (v << 7) | (b[i] & 0x7F);
            if (v > (1L << 40)) return null;
            if ((b[i] & 0x80) != 0) continue;
            if (first) {
                long x = v < 80 ? v / 40 : 2;
                sb.append(x).append('.').append(v - 40 * x);
                first = false;
            } else {
                sb.append('.').append(v);
            }
            v = 0;
        }
        if ((b[p + n - 1] & 0x80) != 0) return null;
        return sb.toString();
    }

    private void identity(int side, String name, String value, long t) {
        if (!sent.add(side * 1_000_003L + name.hashCode() * 31L + value.hashCode())) return;
        s.facts().accept(new Fact.Identity(t, s.endpoint(side), name, value, SOURCE, Confidence.STATED));
    }

    private void detail(int side, String name, String value, long t) {
        if (!sent.add(7 + side * 1_000_003L + name.hashCode() * 17L + value.hashCode())) return;
        s.facts().accept(new Fact.ServiceDetail(t, s.endpoint(side), PROTOCOL, s.transport(), "server", name, value));
    }
}
