package io.gridscout.protocols.mms;

import io.gridscout.protocols.cotp.IsoContext;
import io.gridscout.protocols.cotp.TsduHandler;
import io.gridscout.protocols.fact.Confidence;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.OperationKind;
import io.gridscout.protocols.flow.Session;
import io.gridscout.protocols.util.Ber;

/**
 * IEC 61850 MMS (ISO 9506) over the OSI upper layers: ISO 8327 session SPDU, ISO 8823 presentation (BER), ACSE
 * (AARQ/AARE) and the MMS PDU. Learns Identify responses (vendor/model/revision), domain names from GetNameList
 * (IEC 61850 logical devices) and initiate parameters; counts confirmed service requests as operations.
 */
public final class MmsDecoder implements TsduHandler {
    public static final String PROTOCOL = "mms";
    static final int MAX_DOMAINS = 64;
    static final int MAX_NAME = 128;
    private static final int PENDING = 8;
    private static final int CLASS_DOMAIN = 9;

    private final IsoContext ctx;
    private final Session session;
    private final Ber ber = new Ber();
    private final NamePlateReads namePlate;
    private final boolean[] identified = new boolean[2];
    private boolean nameSent;
    /** Recent GetNameList requests: invokeID and object class, so responses can be told apart (domains vs variables). */
    private final long[] pendingInvoke = new long[PENDING];
    private final int[] pendingClass = new int[PENDING];
    private int pendingNext;
    private final String[] domains = new String[MAX_DOMAINS];
    private int domainCount, domainsReported;
    private long domainsDropped;

    public MmsDecoder(IsoContext ctx) {
        this.ctx = ctx;
        this.session = ctx.session();
        this.namePlate = new NamePlateReads(session);
        java.util.Arrays.fill(pendingInvoke, -1);
    }

    @Override
    public void onTsdu(int side, byte[] b, int off, int len, long t) {
        try {
            spdu(side, b, off, off + len, t);
        } catch (RuntimeException e) { // last line of defence
            session.malformed(side, "mms decoder error");
        }
        roles(t);
    }

    /** Reports roles and pending logical-device details once the server side is known. */
    public void roles(long t) {
        ctx.roles(PROTOCOL, t);
        int server = session.serverSide();
        if (server < 0) return;
        while (domainsReported < domainCount) {
            session.facts().accept(new Fact.ServiceDetail(t, session.endpoint(server), PROTOCOL, session.transport(),
                    "server", "logicalDevices", domains[domainsReported++]));
        }
    }

    // ---- ISO 8327 session ----

    private void spdu(int side, byte[] b, int p, int end, long t) {
        if (end - p < 2) {
            session.malformed(side, "mms short SPDU");
            return;
        }
        int si = b[p] & 0xFF;
        int li = b[p + 1] & 0xFF;
        int q = p + 2;
        if (li == 0xFF) {
            if (end - p < 4) {
                session.malformed(side, "mms short SPDU");
                return;
            }
            li = ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
            q = p + 4;
        }
        if (q + li > end) {
            session.malformed(side, "mms SPDU length");
            return;
        }
        switch (si) {
            case 0x0D, 0x0E -> { // CONNECT / ACCEPT: presentation CP/CPA in the user-data PGI (193)
                if (si == 0x0D) ctx.learnClient(side); else ctx.learnServer(side);
                int r = q, pe = q + li;
                while (r + 2 <= pe) {
                    int code = b[r] & 0xFF, l = b[r + 1] & 0xFF, v = r + 2;
                    if (l == 0xFF) {
                        if (r + 4 > pe) break;
                        l = ((b[r + 2] & 0xFF) << 8) | (b[r + 3] & 0xFF);
                        v = r + 4;
                    }
                    if (v + l > pe) break;
                    if (code == 0xC1) presentationConnect(side, b, v, v + l, t);
                    r = v + l;
                }
            }
            case 0x01 -> { // GIVE TOKENS (+ DATA TRANSFER): the rest is a presentation data PPDU
                int r = q + li;
                if (r + 2 <= end && b[r] == 0x01) {
                    int l2 = b[r + 1] & 0xFF;
                    if (l2 == 0xFF || r + 2 + l2 > end) {
                        session.malformed(side, "mms SPDU length");
                        return;
                    }
                    r += 2 + l2;
                }
                presentationData(side, b, r, end, t);
            }
            case 0x09 -> session.detail("session", "FINISH");
            case 0x0A -> session.detail("session", "DISCONNECT");
            case 0x0C -> session.detail("session", "REFUSE");
            case 0x19 -> session.detail("session", "ABORT");
            case 0x1A -> session.detail("session", "ABORT ACCEPT");
            case 0x08 -> session.detail("session", "NOT FINISHED");
            default -> session.malformed(side, "mms unknown SPDU");
        }
    }

    // ---- ISO 8823 presentation ----

    private void presentationConnect(int side, byte[] b, int p, int end, long t) {
        if (!ber.read(b, p, end) || ber.first != 0x31) return; // CP-type / CPA-PPDU are SETs
        if (!ber.find(b, ber.valueOff, ber.end(), 0xA2)) return; // normal-mode-parameters
        if (!ber.find(b, ber.valueOff, ber.end(), 0x61)) return; // user-data: fully-encoded-data
        pdvList(side, b, ber.valueOff, ber.end(), t);
    }

    private void presentationData(int side, byte[] b, int p, int end, long t) {
        if (!ber.read(b, p, end)) {
            session.malformed(side, "mms bad presentation PPDU");
            return;
        }
        if (ber.first != 0x61) {
            session.detail("presentation", "not fully-encoded");
            return;
        }
        pdvList(side, b, ber.valueOff, ber.end(), t);
    }

    /** Each PDV-list (SEQUENCE) carries one presentation data value; only single-ASN1-type [0] is used by MMS. */
    private void pdvList(int side, byte[] b, int p, int end, long t) {
        for (int n = 0; p < end && n < 4; n++) {
            if (!ber.read(b, p, end) || ber.first != 0x30) return;
            int next = ber.end();
            if (ber.find(b, ber.valueOff, next, 0xA0)) {
                int vo = ber.valueOff, ve = ber.end();
                if (vo < ve && ((b[vo] & 0xFF) >= 0x60 && (b[vo] & 0xFF) <= 0x64)) acse(side, b, vo, ve, t);
                else mmsPdu(side, b, vo, ve, t);
            }
            p = next;
        }
    }

    // ---- ACSE ----

    private void acse(int side, byte[] b, int p, int end, long t) {
        if (!ber.read(b, p, end)) return;
        int tag = ber.first;
        switch (tag) {
            case 0x60 -> ctx.learnClient(side);
            case 0x61 -> ctx.learnServer(side);
            case 0x62 -> { session.detail("acse", "release request"); return; }
            case 0x63 -> { session.detail("acse", "release response"); return; }
            default -> { session.detail("acse", "abort"); return; }
        }
        if (!ber.find(b, ber.valueOff, ber.end(), 0xBE)) return; // user-information
        if (!ber.find(b, ber.valueOff, ber.end(), 0x28)) return; // EXTERNAL
        if (!ber.find(b, ber.valueOff, ber.end(), 0xA0)) return; // single-ASN1-type
        mmsPdu(side, b, ber.valueOff, ber.end(), t);
    }

    // ---- MMS ----

    private void mmsPdu(int side, byte[] b, int p, int end, long t) {
        if (!ber.read(b, p, end)) {
            session.malformed(side, "mms bad PDU");
            return;
        }
        int vo = ber.valueOff, ve = ber.end();
        switch (ber.first) {
            case 0xA0 -> confirmed(side, b, vo, ve, true, t);
            case 0xA1 -> confirmed(side, b, vo, ve, false, t);
            case 0xA2 -> { ctx.learnServer(side); session.detail("error", "confirmed-error"); }
            case 0xA3 -> unconfirmed(side, b, vo, ve);
            case 0xA4 -> session.detail("error", "reject");
            case 0x85, 0xA5 -> session.detail("cancel", "request");
            case 0x86, 0xA6 -> session.detail("cancel", "response");
            case 0xA8 -> { ctx.learnClient(side); initiate(b, vo, ve, true); }
            case 0xA9 -> { ctx.learnServer(side); initiate(b, vo, ve, false); }
            case 0xAA -> { ctx.learnServer(side); session.detail("error", "initiate-error"); }
            case 0x8B, 0xAB -> session.detail("conclude", "request");
            case 0x8C, 0xAC -> session.detail("conclude", "response");
            case 0xAD -> session.detail("error", "conclude-error");
            default -> session.malformed(side, "mms unknown PDU");
        }
    }

    private void confirmed(int side, byte[] b, int p, int end, boolean request, long t) {
        if (!ber.read(b, p, end) || ber.first != 0x02) {
            session.malformed(side, "mms no invokeID");
            return;
        }
        long invoke = Ber.integer(b, ber.valueOff, ber.valueLen);
        p = ber.end();
        // skip listOfModifiers (request) and find the service CHOICE (context-specific tag)
        while (true) {
            if (!ber.read(b, p, end)) {
                session.malformed(side, "mms no service");
                return;
            }
            if ((ber.first & 0xC0) == 0x80) break;
            p = ber.end();
        }
        int service = ber.tag;
        String name = MmsServices.name(service);
        if (request) {
            ctx.learnClient(side);
            if (name == null) {
                session.detail("unknownService", "request");
                return;
            }
            session.operation(service, name, MmsServices.kind(service));
            if (service == MmsServices.GET_NAME_LIST) nameListRequest(b, ber.valueOff, ber.end(), invoke);
            else if (service == MmsServices.READ) namePlate.request(b, ber.valueOff, ber.end(), invoke);
        } else {
            ctx.learnServer(side);
            if (service == MmsServices.IDENTIFY) identify(side, b, ber.valueOff, ber.end(), t);
            else if (service == MmsServices.GET_NAME_LIST) nameListResponse(side, b, ber.valueOff, ber.end(), invoke, t);
            else if (service == MmsServices.READ) namePlate.response(side, b, ber.valueOff, ber.end(), invoke, t);
        }
    }

    private void unconfirmed(int side, byte[] b, int p, int end) {
        if (!ber.read(b, p, end) || (ber.first & 0xC0) != 0x80) {
            session.malformed(side, "mms bad unconfirmed PDU");
            return;
        }
        switch (ber.tag) {
            case 0 -> session.operation(MmsServices.UNCONFIRMED_BASE, MmsServices.INFORMATION_REPORT, OperationKind.READ);
            case 1 -> session.operation(MmsServices.UNCONFIRMED_BASE + 1, MmsServices.UNSOLICITED_STATUS, OperationKind.READ);
            case 2 -> session.operation(MmsServices.UNCONFIRMED_BASE + 2, MmsServices.EVENT_NOTIFICATION, OperationKind.READ);
            default -> session.detail("unknownService", "unconfirmed");
        }
    }

    private void identify(int side, byte[] b, int p, int end, long t) {
        if (identified[side]) return;
        identified[side] = true;
        while (p < end && ber.read(b, p, end)) {
            String attr = switch (ber.first) {
                case 0x80 -> "vendor";
                case 0x81 -> "model";
                case 0x82 -> "firmware";
                default -> null;
            };
            if (attr != null) {
                String v = Ber.text(b, ber.valueOff, ber.valueLen, MAX_NAME);
                if (v != null) {
                    session.facts().accept(new Fact.Identity(t, session.endpoint(side), attr, v, "mms.identify",
                            Confidence.STATED));
                }
            }
            p = ber.end();
        }
    }

    private void nameListRequest(byte[] b, int p, int end, long invoke) {
        int objectClass = -1;
        if (ber.find(b, p, end, 0xA0) && ber.find(b, ber.valueOff, ber.end(), 0x80)) {
            objectClass = (int) Ber.integer(b, ber.valueOff, ber.valueLen);
        }
        pendingInvoke[pendingNext] = invoke;
        pendingClass[pendingNext] = objectClass;
        pendingNext = (pendingNext + 1) % PENDING;
    }

    private void nameListResponse(int side, byte[] b, int p, int end, long invoke, long t) {
        int objectClass = -1;
        for (int i = 0; i < PENDING; i++) {
            if (pendingInvoke[i] == invoke) {
                objectClass = pendingClass[i];
                pendingInvoke[i] = -1;
                break;
            }
        }
        if (objectClass != CLASS_DOMAIN) return;
        if (!ber.find(b, p, end, 0xA0)) return; // listOfIdentifier
        int q = ber.valueOff, qe = ber.end();
        while (q < qe && ber.read(b, q, qe)) {
            if (ber.first == 0x1A) {
                String v = Ber.text(b, ber.valueOff, ber.valueLen, MAX_NAME);
                if (v != null) addDomain(v);
            }
            q = ber.end();
        }
        if (!nameSent && domainCount > 0) {
            nameSent = true;
            String ied = iedName();
            session.facts().accept(new Fact.Identity(t, session.endpoint(side), "name", ied, "mms.getNameList",
                    Confidence.REPORTED));
        }
    }

    private void addDomain(String v) {
        for (int i = 0; i < domainCount; i++) if (domains[i].equals(v)) return;
        if (domainCount == MAX_DOMAINS) {
            domainsDropped++;
            return;
        }
        domains[domainCount++] = v;
    }

    /**
     * IEC 61850 logical device names are the IED name followed by the LD instance; with several domains their
     * common prefix is the IED name, with one the domain name is the best there is.
     */
    private String iedName() {
        String first = domains[0];
        int n = first.length();
        for (int i = 1; i < domainCount; i++) {
            String d = domains[i];
            int k = 0;
            while (k < n && k < d.length() && d.charAt(k) == first.charAt(k)) k++;
            n = k;
        }
        return domainCount > 1 && n >= 4 ? first.substring(0, n) : first;
    }

    private void initiate(byte[] b, int p, int end, boolean request) {
        while (p < end && ber.read(b, p, end)) {
            int next = ber.end();
            if (ber.first == 0x80) {
                long v = Ber.integer(b, ber.valueOff, ber.valueLen);
                session.detail(request ? "proposedMaxPduSize" : "maxPduSize", Long.toString(v));
            } else if (ber.first == 0xA4 && ber.find(b, ber.valueOff, ber.end(), 0x80)) {
                long v = Ber.integer(b, ber.valueOff, ber.valueLen);
                session.detail(request ? "proposedVersion" : "version", Long.toString(v));
            }
            p = next;
        }
    }

    long domainsDropped() {
        return domainsDropped;
    }
}
