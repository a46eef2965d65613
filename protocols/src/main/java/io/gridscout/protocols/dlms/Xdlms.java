package io.gridscout.protocols.dlms;

import io.gridscout.protocols.fact.Confidence;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.OperationKind;
import io.gridscout.protocols.flow.Session;
import io.gridscout.protocols.util.Ber;
import io.gridscout.protocols.util.LongSet;
import io.gridscout.protocols.util.ServiceRoles;
import io.gridscout.protocols.util.Text;

/**
 * The APDUs of one DLMS/COSEM association (IEC 62056-5-3, DLMS UA Green Book): ACSE AARQ/AARE, xDLMS
 * GET/SET/ACTION (LN referencing), READ/WRITE (SN referencing), their ciphered forms, and the identity objects
 * answered by GET (see {@link Cosem}). Which side is the client follows from the APDU: requests come from the
 * client, responses and event notifications from the server.
 *
 * <p>Secrets: the calling/responding authentication value of AARQ/AARE (a password or HLS challenge) is
 * skipped, never read into a string.
 */
final class Xdlms {
    static final String PROTOCOL = "dlms";
    static final String SOURCE = "dlms";
    private static final int MAX_LIST = 16;           // descriptors remembered per GET-with-list request
    private static final String[] CONTEXTS = {null, "LN", "SN", "LN-ciphered", "SN-ciphered"};
    private static final String[] MECHANISMS = {"none", "low", "hls", "hls-md5", "hls-sha1", "hls-gmac", "hls-sha256", "hls-ecdsa"};

    private final Session s;
    private final ServiceRoles roles;
    private final Ber ber = new Ber();
    // pending GETs by invoke-id (4 bits): identity attribute index per list position, -1 for others
    private final byte[][] pending = new byte[16][MAX_LIST];
    private final int[] pendingCount = new int[16];
    private final LongSet sentDetails = new LongSet(64);
    private final LongSet sentIdentities = new LongSet(64);
    long listTruncated;

    private static final String[] IDENTITY_NAMES = {"name", "serial", "firmware", "deviceId2", "deviceId3", "deviceId4",
            "deviceId5", "deviceId6", "deviceId7", "deviceId8", "deviceId9", "deviceId10"};

    Xdlms(Session s) {
        this.s = s;
        this.roles = new ServiceRoles(s, PROTOCOL, "client", "server");
        java.util.Arrays.fill(pendingCount, -1);
    }

    /** One whole APDU sent by {@code side}. */
    void apdu(int side, byte[] b, int p, int end, long t) {
        if (p >= end) {
            s.malformed(side, "empty DLMS APDU");
            return;
        }
        int tag = b[p] & 0xFF;
        switch (tag) {
            case 0x60 -> { client(side, t); aarq(side, b, p, end, t); }
            case 0x61 -> { server(side, t); aare(side, b, p, end, t); }
            case 0x62 -> { client(side, t); s.operation(0x62, "release", OperationKind.CONTROL); }
            case 0x63 -> server(side, t);
            case 0xC0 -> { client(side, t); s.operation(0xC0, "get", OperationKind.READ); getRequest(side, b, p + 1, end); }
            case 0xC1 -> { client(side, t); s.operation(0xC1, "set", OperationKind.WRITE); }
            case 0xC3 -> { client(side, t); s.operation(0xC3, "action", OperationKind.CONTROL); }
            case 0x05 -> { client(side, t); s.operation(0x05, "read", OperationKind.READ); }
            case 0x06 -> { client(side, t); s.operation(0x06, "write", OperationKind.WRITE); }
            case 0xC4 -> { server(side, t); getResponse(side, b, p + 1, end, t); }
            case 0xC5, 0xC7, 0x0C, 0x0D, 0xC2, 0x0F -> server(side, t);
            case 0xD8 -> { server(side, t); s.detail("exception", "exception-response"); }
            case 0x0E -> { server(side, t); s.detail("exception", "confirmed-service-error"); }
            default -> {
                String c = cipheredName(tag);
                if (c == null) {
                    s.malformed(side, "unknown DLMS APDU tag");
                    return;
                }
                int dir = cipheredDirection(tag);
                if (dir == 1) client(side, t);
                else if (dir == 2) server(side, t);
                ciphered(side, c, t);
            }
        }
    }

    /** 1 request (client), 2 response or notification (server), 0 unknown. */
    private static int cipheredDirection(int tag) {
        return switch (tag) {
            case 0xC8, 0xC9, 0xCB, 0xD0, 0xD1, 0xD3 -> 1;
            case 0xCA, 0xCC, 0xCD, 0xCF, 0xD2, 0xD4, 0xD5, 0xD7 -> 2;
            default -> 0;
        };
    }

    static String cipheredName(int tag) {
        return switch (tag) {
            case 0xC8 -> "glo-get-request";
            case 0xC9 -> "glo-set-request";
            case 0xCA -> "glo-event-notification";
            case 0xCB -> "glo-action-request";
            case 0xCC -> "glo-get-response";
            case 0xCD -> "glo-set-response";
            case 0xCE -> "glo-ce";
            case 0xCF -> "glo-action-response";
            case 0xD0 -> "ded-get-request";
            case 0xD1 -> "ded-set-request";
            case 0xD2 -> "ded-event-notification";
            case 0xD3 -> "ded-action-request";
            case 0xD4 -> "ded-get-response";
            case 0xD5 -> "ded-set-response";
            case 0xD6 -> "ded-d6";
            case 0xD7 -> "ded-action-response";
            case 0xDB -> "general-glo-ciphering";
            case 0xDC -> "general-ded-ciphering";
            case 0xDD -> "general-ciphering";
            case 0xDF -> "general-signing";
            default -> null;
        };
    }

    /** True for the first byte of any APDU this decoder knows (used by content detection). */
    static boolean knownTag(int tag) {
        return switch (tag) {
            case 0x60, 0x61, 0x62, 0x63, 0xC0, 0xC1, 0xC2, 0xC3, 0xC4, 0xC5, 0xC7, 0xD8, 0x05, 0x06, 0x0C, 0x0D, 0x0E, 0x0F -> true;
            default -> cipheredName(tag) != null;
        };
    }

    private void client(int side, long t) {
        roles.client(side, t);
    }

    private void server(int side, long t) {
        roles.server(side, t);
    }

    private int serverSide(int fallback) {
        int sv = s.serverSide();
        return sv < 0 ? fallback : sv;
    }

    private void ciphered(int side, String name, long t) {
        s.detail("encrypted", name);
        serverDetail(serverSide(1 - side), "ciphered", "true", t);
    }

    private void serverDetail(int serverSide, String name, String value, long t) {
        long h = name.hashCode() * 31L + value.hashCode();
        if (!sentDetails.add(h)) return;
        s.facts().accept(new Fact.ServiceDetail(t, s.endpoint(serverSide), PROTOCOL, s.transport(), "server", name, value));
    }

    private void identity(int serverSide, String name, String value, long t) {
        long h = name.hashCode() * 31L + value.hashCode();
        if (!sentIdentities.add(h)) return;
        s.facts().accept(new Fact.Identity(t, s.endpoint(serverSide), name, value, SOURCE, Confidence.STATED));
    }

    // ---------------------------------------------------------------- ACSE

    private void aarq(int side, byte[] b, int p, int end, long t) {
        if (!ber.read(b, p, end)) {
            s.malformed(side, "bad AARQ");
            return;
        }
        int q = ber.valueOff, lim = ber.end();
        int server = 1 - side;
        String mechanism = "none";
        while (q < lim && ber.read(b, q, lim)) {
            int next = ber.end();
            switch (ber.first) {
                case 0xA1 -> context(server, b, ber.valueOff, next, t);
                case 0x8B -> mechanism = mechanism(b, ber.valueOff, ber.valueLen);
                case 0xBE -> userInformation(side, server, b, ber.valueOff, next, t);
                default -> { }               // 0xAC calling-authentication-value: a secret, skipped unread
            }
            q = next;
        }
        serverDetail(server, "authentication", mechanism, t);
        s.detail("authentication", mechanism);
    }

    private void aare(int side, byte[] b, int p, int end, long t) {
        if (!ber.read(b, p, end)) {
            s.malformed(side, "bad AARE");
            return;
        }
        int q = ber.valueOff, lim = ber.end();
        while (q < lim && ber.read(b, q, lim)) {
            int next = ber.end(), v = ber.valueOff;
            switch (ber.first) {
                case 0xA1 -> context(side, b, v, next, t);
                case 0xA2 -> {               // result: [2] INTEGER, 0 accepted
                    if (ber.read(b, v, next) && ber.first == 0x02 && ber.valueLen == 1) {
                        s.detail("association", b[ber.valueOff] == 0 ? "accepted" : "rejected");
                    }
                }
                case 0xA4 -> {               // responding-AP-title: the meter's system title
                    if (ber.read(b, v, next) && ber.first == 0x04 && ber.valueLen == 8) {
                        identity(side, "systemTitle", Text.hex(b, ber.valueOff, 8), t);
                    }
                }
                case 0x89 -> {
                    String m = mechanism(b, v, ber.valueLen);
                    serverDetail(side, "authentication", m, t);
                }
                case 0xBE -> userInformation(side, side, b, v, next, t);
                default -> { }               // 0xAA responding-authentication-value: skipped unread
            }
            q = next;
        }
    }

    /** application-context-name [1] { OBJECT IDENTIFIER 2.16.756.5.8.1.x }. */
    private void context(int server, byte[] b, int p, int end, long t) {
        if (!ber.read(b, p, end) || ber.first != 0x06 || ber.valueLen != 7 || !dlmsOid(b, ber.valueOff, 1)) return;
        int x = b[ber.valueOff + 6] & 0xFF;
        if (x >= 1 && x < CONTEXTS.length) {
            serverDetail(server, "applicationContext", CONTEXTS[x], t);
            s.detail("applicationContext", CONTEXTS[x]);
        }
    }

    /** mechanism-name: OID 2.16.756.5.8.2.x, carried implicitly (the value octets are the OID). */
    private static String mechanism(byte[] b, int p, int len) {
        if (len != 7 || !dlmsOid(b, p, 2)) return "unknown";
        int x = b[p + 6] & 0xFF;
        return x < MECHANISMS.length ? MECHANISMS[x] : "unknown";
    }

    /** 60 85 74 05 08 kind: joint-iso-itu-t(2) country(16) country-name(756) identified-organization(5) DLMS-UA(8) kind. */
    private static boolean dlmsOid(byte[] b, int p, int kind) {
        return b[p] == 0x60 && (b[p + 1] & 0xFF) == 0x85 && b[p + 2] == 0x74 && b[p + 3] == 0x05 && b[p + 4] == 0x08 && b[p + 5] == kind;
    }

    /** user-information [30] { OCTET STRING { xDLMS initiate request/response, plain (0x01/0x08) or ciphered } }. */
    private void userInformation(int side, int server, byte[] b, int p, int end, long t) {
        if (!ber.read(b, p, end) || ber.first != 0x04 || ber.valueLen < 1) return;
        int tag = b[ber.valueOff] & 0xFF;
        if (tag == 0x21 || tag == 0x28 || tag == 0x29 || tag == 0xDB || tag == 0xDD) {   // glo-initiate / general ciphering
            s.detail("encrypted", tag == 0x21 ? "glo-initiate-request" : tag == 0x28 ? "glo-initiate-response" : "ciphered-initiate");
            serverDetail(server, "ciphered", "true", t);
        }
    }

    // ---------------------------------------------------------------- GET

    /** get-request: normal (1), next (2), with-list (3); remembers identity descriptors by invoke-id. */
    private void getRequest(int side, byte[] b, int p, int end) {
        if (end - p < 2) {
            s.malformed(side, "short get-request");
            return;
        }
        int choice = b[p] & 0xFF, iid = b[p + 1] & 0x0F;
        p += 2;
        if (choice == 1) {
            if (end - p < 9) {
                s.malformed(side, "short get-request");
                return;
            }
            pendingCount[iid] = 1;
            pending[iid][0] = identityIndex(b, p);
        } else if (choice == 3) {
            long l = Ber.length(b, p, end);
            if (l < 0) {
                s.malformed(side, "short get-request-with-list");
                return;
            }
            p += (int) (l >>> 32);
            int n = (int) l, kept = 0;
            for (int i = 0; i < n; i++) {
                if (end - p < 10) {
                    s.malformed(side, "short get-request-with-list");
                    break;
                }
                byte idx = identityIndex(b, p);
                p += 9;
                int selective = b[p++] & 0xFF;
                if (selective != 0) {                      // selector + parameters: skip them
                    if (p >= end) break;
                    p = Cosem.skipData(b, p + 1, end, 0);
                    if (p < 0) break;
                }
                if (kept < MAX_LIST) pending[iid][kept++] = idx;
                else listTruncated++;
            }
            pendingCount[iid] = kept;
        }
    }

    /** Index into IDENTITY_NAMES of the descriptor (class-id, OBIS, attribute) at p, or -1. */
    private static byte identityIndex(byte[] b, int p) {
        int classId = ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
        String name = Cosem.identityAttribute(classId, b, p + 2, b[p + 8]);
        if (name == null) return -1;
        for (int i = 0; i < IDENTITY_NAMES.length; i++) if (IDENTITY_NAMES[i].equals(name)) return (byte) i;
        return -1;
    }

    private void getResponse(int side, byte[] b, int p, int end, long t) {
        if (end - p < 2) {
            s.malformed(side, "short get-response");
            return;
        }
        int choice = b[p] & 0xFF, iid = b[p + 1] & 0x0F;
        p += 2;
        int n = pendingCount[iid];
        pendingCount[iid] = -1;
        if (n < 0) return;                                 // no request seen (capture started mid-association)
        if (choice == 1) {
            if (n >= 1) result(side, b, p, end, pending[iid][0], t);
        } else if (choice == 3) {
            long l = Ber.length(b, p, end);
            if (l < 0) return;
            p += (int) (l >>> 32);
            int count = Math.min((int) l, n);
            for (int i = 0; i < count && p >= 0 && p < end; i++) p = result(side, b, p, end, pending[iid][i], t);
        }
    }

    /** One Get-Data-Result at p: [0] data or [1] data-access-result. Position after it, or -1. */
    private int result(int side, byte[] b, int p, int end, byte idx, long t) {
        if (p >= end) return -1;
        if (b[p] == 1) {
            if (p + 1 < end) s.detail("dataAccessResult", Integer.toString(b[p + 1] & 0xFF));
            return p + 2;
        }
        if (b[p] != 0) return -1;
        p++;
        if (idx >= 0) {
            String v = Cosem.text(b, p, end);
            if (v != null && !v.isEmpty()) identity(side, IDENTITY_NAMES[idx], v, t);
        }
        return Cosem.skipData(b, p, end, 0);
    }
}
