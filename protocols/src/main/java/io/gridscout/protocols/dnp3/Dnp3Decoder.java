package io.gridscout.protocols.dnp3;

import io.gridscout.protocols.fact.Confidence;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.ProtocolDecoder;
import io.gridscout.protocols.flow.Session;

import java.util.HashSet;
import java.util.Set;

/**
 * DNP3 decoder for one TCP connection or UDP 5-tuple: link layer ({@link Dnp3Link}) -> transport
 * reassembly ({@link Dnp3Transport}) -> application fragment (function, IIN, object headers via
 * {@link Dnp3Objects}).
 *
 * <p>Roles come from the protocol, never from ports: a side sending RESPONSE / UNSOLICITED_RESPONSE /
 * AUTHENTICATE_RESP is the outstation, a side sending any other request is the master; until a side sends
 * an application function that tells, its link-layer DIR bit does (DIR=1: from the master).
 *
 * <p>Emits: Service "master"/"outstation"; ServiceDetail "linkAddresses" (Long, link source address used by
 * that end), "secureAuthentication"="true" and "fileTransfer"="true" on the outstation; Identity from group 0
 * attributes (source "dnp3.g0"); operations per master request; details unsolicited, restart, iin,
 * secureAuthentication, fileTransfer, classPoll, controlObject, timeSync, iinWrite, dataObject, linkFunction.
 */
public final class Dnp3Decoder implements ProtocolDecoder, Dnp3Link.Handler, Dnp3Transport.Handler, Dnp3Objects.Visitor {
    public static final String PROTOCOL = Dnp3Spec.NAME;
    public static final String SOURCE_G0 = "dnp3.g0";

    private static final int NONE = 0;
    private static final int MASTER = 1;
    private static final int OUTSTATION = 2;
    private static final String[] ROLE_NAMES = {null, "master", "outstation"};

    private static final int MAX_ADDRS = 16;
    private static final int MAX_ATTRIBUTES = 64;

    private static final String[] IIN1 = {null /* broadcast */, null /* class 1 */, null /* class 2 */, null /* class 3 */,
        "needTime", "localControl", "deviceTrouble", "deviceRestart"};
    private static final String[] IIN2 = {"noFunctionCodeSupport", "objectUnknown", "parameterError", "eventBufferOverflow",
        "alreadyExecuting", "configCorrupt", null, null};
    /** Object groups whose headers may give a detail or a flag (see {@link #notedHeader}). */
    private static final boolean[] NOTED_GROUPS = new boolean[121];

    static {
        for (int g : new int[] {12, 41, 50, 60, 70, 80, 110, 111, 112, 113, 120}) NOTED_GROUPS[g] = true;
    }

    private static final int IIN1_MASK = maskOf(IIN1);
    private static final int IIN2_MASK = maskOf(IIN2);
    private static final String[] CLASSES = {null, "class0", "class1", "class2", "class3"};
    private static final String[] G12 = {null, "crob", "pcb", "patternMask"};
    private static final String[] G70 = {"file", "fileIdentifier", "fileAuthentication", "fileCommand", "fileCommandStatus",
        "fileTransport", "fileTransportStatus", "fileDescriptor", "fileSpecString"};
    private static final String[] G120 = {"authentication", "challenge", "reply", "aggressiveModeRequest",
        "sessionKeyStatusRequest", "sessionKeyStatus", "sessionKeyChange", "error", "userCertificate", "mac",
        "userStatusChange", "updateKeyChangeRequest", "updateKeyChangeReply", "updateKeyChange",
        "updateKeyChangeSignature", "updateKeyChangeConfirmation"};
    private static final String[] OCTET_GROUPS = {"octetString", "octetStringEvent", "virtualTerminalOutput", "virtualTerminalEvent"};

    private final Session session;
    private final Dnp3Link[] links = new Dnp3Link[2];
    private final Dnp3Transport[] transports = new Dnp3Transport[2];
    private final int[] role = new int[2];
    private final boolean[] roleFromApp = new boolean[2];
    private final boolean[] serviceSent = new boolean[2 * 3]; // [side * 3 + role]
    private final int[][] addrs = new int[2][MAX_ADDRS];
    private final int[] addrCount = new int[2];
    /** How many of addrs[side] were already emitted under each role. */
    private final int[] addrEmitted = new int[2 * 3]; // [side * 3 + role]
    private long droppedAddrs;
    private boolean secureAuth;
    private boolean fileTransfer;
    private boolean secureAuthSent;
    private boolean fileTransferSent;
    private Set<String> attributesSeen;
    private long droppedAttributes;

    // the fragment being walked
    private int curSide;
    private int curFunc;
    private long curTime;

    private static int maskOf(String[] names) {
        int m = 0;
        for (int i = 0; i < names.length; i++) if (names[i] != null) m |= 1 << i;
        return m;
    }

    public Dnp3Decoder(Session session) {
        this(session, Dnp3Transport.SHARED);
    }

    /** With the budget that caps the transport buffers of every decoder sharing it. */
    Dnp3Decoder(Session session, Dnp3Transport.Budget budget) {
        this.session = session;
        for (int s = 0; s < 2; s++) {
            links[s] = new Dnp3Link(s, this);
            transports[s] = new Dnp3Transport(s, this, budget);
        }
    }

    @Override
    public void onData(int side, byte[] buf, int off, int len, long timeNanos) {
        if (side != 0 && side != 1) return;
        try {
            if (session.transport() == Transport.UDP) links[side].onDatagram(buf, off, len, timeNanos);
            else links[side].onStream(buf, off, len, timeNanos);
        } catch (RuntimeException e) { // last line of defence: a bug must not take the pipeline down
            session.malformed(side, "dnp3 decoder error");
            links[side].reset();
            transports[side].reset();
        }
    }

    @Override
    public void onGap(int side, long timeNanos) {
        if (side != 0 && side != 1) return;
        links[side].reset();
        transports[side].reset();
    }

    @Override
    public void onClose(long timeNanos) {
        transports[0].close(); // buffers go back to the shared budget
        transports[1].close();
    }

    // ---- link layer

    @Override
    public void onFrame(int side, int ctrl, int dst, int src, byte[] ud, int off, int len, long t) {
        boolean userData = (ctrl & Dnp3Link.PRM) != 0
                && ((ctrl & 0x0F) == Dnp3Link.PRI_CONFIRMED_USER_DATA || (ctrl & 0x0F) == Dnp3Link.PRI_UNCONFIRMED_USER_DATA);
        int appRole = NONE;
        if (userData && len >= 3 && (ud[off] & Dnp3Transport.FIR) != 0) {
            int func = ud[off + 2] & 0xFF;
            if (Dnp3Functions.isResponse(func)) appRole = OUTSTATION;
            else if (Dnp3Functions.isRequest(func)) appRole = MASTER;
        }
        if (appRole != NONE && (!roleFromApp[side] || role[side] != appRole)) setRole(side, appRole, true, t);
        else if (role[side] == NONE) setRole(side, (ctrl & Dnp3Link.DIR) != 0 ? MASTER : OUTSTATION, false, t);
        if (src < 0xFFF0) addAddress(side, src, t); // 0xFFF0.. are reserved/broadcast, never a station's own
        if (userData) {
            if (len > 0) transports[side].onSegment(src, dst, ud, off, len, t);
        } else {
            String name = Dnp3Link.functionName(ctrl);
            if (name != null) session.detail("linkFunction", name);
            else session.malformed(side, "dnp3 undefined link function");
        }
    }

    @Override
    public void onLinkError(int side, String reason) {
        session.malformed(side, reason);
    }

    private void setRole(int side, int r, boolean fromApp, long t) {
        role[side] = r;
        roleFromApp[side] = fromApp;
        if (!serviceSent[side * 3 + r]) {
            serviceSent[side * 3 + r] = true;
            session.facts().accept(new Fact.Service(t, session.endpoint(side), PROTOCOL, session.transport(), ROLE_NAMES[r]));
        }
        session.serverSide(r == OUTSTATION ? side : 1 - side);
        emitAddresses(side, t);
        if (r == OUTSTATION) emitOutstationFlags(t);
    }

    private void addAddress(int side, int addr, long t) {
        int[] a = addrs[side];
        int n = addrCount[side];
        for (int i = 0; i < n; i++) if (a[i] == addr) return;
        if (n == MAX_ADDRS) {
            droppedAddrs++;
            return;
        }
        a[n] = addr;
        addrCount[side] = n + 1;
        emitAddresses(side, t);
    }

    private void emitAddresses(int side, long t) {
        int r = role[side];
        if (r == NONE) return;
        for (int i = addrEmitted[side * 3 + r]; i < addrCount[side]; i++) {
            session.facts().accept(new Fact.ServiceDetail(t, session.endpoint(side), PROTOCOL, session.transport(),
                    ROLE_NAMES[r], "linkAddresses", (long) addrs[side][i]));
        }
        addrEmitted[side * 3 + r] = addrCount[side];
    }

    private int outstationSide() {
        if (role[0] == OUTSTATION) return 0;
        if (role[1] == OUTSTATION) return 1;
        return -1;
    }

    /** Session-wide facts about the outstation (SA, file transfer), emitted once its side is known. */
    private void emitOutstationFlags(long t) {
        int s = outstationSide();
        if (s < 0) return;
        if (secureAuth && !secureAuthSent) {
            secureAuthSent = true;
            session.facts().accept(new Fact.ServiceDetail(t, session.endpoint(s), PROTOCOL, session.transport(),
                    ROLE_NAMES[OUTSTATION], "secureAuthentication", "true"));
        }
        if (fileTransfer && !fileTransferSent) {
            fileTransferSent = true;
            session.facts().accept(new Fact.ServiceDetail(t, session.endpoint(s), PROTOCOL, session.transport(),
                    ROLE_NAMES[OUTSTATION], "fileTransfer", "true"));
        }
    }

    // ---- transport layer

    @Override
    public void onTransportError(int side, String reason) {
        session.malformed(side, reason);
    }

    // ---- application layer

    @Override
    public void onFragment(int side, int src, int dst, byte[] b, int off, int len, long t) {
        if (len < 2) {
            session.malformed(side, "dnp3 short application fragment");
            return;
        }
        int func = b[off + 1] & 0xFF;
        curSide = side;
        curFunc = func;
        curTime = t;
        int objects;
        boolean withData;
        if (Dnp3Functions.isResponse(func)) {
            if (len < 4) {
                session.malformed(side, "dnp3 response without IIN");
                return;
            }
            iin(b[off + 2] & 0xFF, IIN1, IIN1_MASK);
            iin(b[off + 3] & 0xFF, IIN2, IIN2_MASK);
            if (func == Dnp3Functions.UNSOLICITED_RESPONSE) session.detail("unsolicited", "1");
            objects = off + 4;
            withData = true;
            if (func == Dnp3Functions.AUTHENTICATE_RESP) secureAuth(t);
        } else {
            request(side, func, t);
            objects = off + 2;
            withData = Dnp3Objects.requestCarriesData(func);
        }
        int r = Dnp3Objects.walk(b, objects, off + len, withData, this);
        if (r != Dnp3Objects.OK) walkProblem(side, r);
    }

    private void request(int side, int func, long t) {
        if (role[side] == MASTER || func != Dnp3Functions.CONFIRM) {
            session.operation(func, Dnp3Functions.name(func), Dnp3Functions.kind(func));
        }
        if (func == Dnp3Functions.COLD_RESTART) session.detail("restart", "cold");
        else if (func == Dnp3Functions.WARM_RESTART) session.detail("restart", "warm");
        if (func >= Dnp3Functions.OPEN_FILE && func <= Dnp3Functions.ABORT_FILE) fileTransfer(t);
        if (func == Dnp3Functions.AUTHENTICATE_REQ || func == Dnp3Functions.AUTH_REQ_NO_ACK) secureAuth(t);
    }

    private void walkProblem(int side, int r) {
        if (r == Dnp3Objects.TRUNCATED) session.malformed(side, "dnp3 truncated object");
        else if (r == Dnp3Objects.BAD_QUALIFIER) session.malformed(side, "dnp3 bad qualifier");
        else if (r == Dnp3Objects.UNKNOWN_SIZE) session.detail("objectWalk", "stopped at object of unknown size");
    }

    private void iin(int bits, String[] names, int mask) {
        bits &= mask; // most responses set none of the bits worth a detail (class-data bits are not)
        for (int i = 0; bits != 0; i++, bits >>>= 1) if ((bits & 1) != 0) session.detail("iin", names[i]);
    }

    private void secureAuth(long t) {
        secureAuth = true;
        emitOutstationFlags(t);
    }

    private void fileTransfer(long t) {
        fileTransfer = true;
        emitOutstationFlags(t);
    }

    @Override
    public void header(int group, int var, int qual, long count) {
        // kept small so that the object walk inlines it: most headers (data points) are of no interest
        if (group < NOTED_GROUPS.length && NOTED_GROUPS[group]) notedHeader(group, var);
    }

    private void notedHeader(int group, int var) {
        int f = curFunc;
        switch (group) {
            case 12 -> {
                if (f >= Dnp3Functions.SELECT && f <= Dnp3Functions.DIRECT_OPERATE_NR && var < G12.length && G12[var] != null)
                    session.detail("controlObject", G12[var]);
            }
            case 41 -> {
                if (f >= Dnp3Functions.SELECT && f <= Dnp3Functions.DIRECT_OPERATE_NR) session.detail("controlObject", "analogOutput");
            }
            case 50 -> {
                if (f == Dnp3Functions.WRITE) session.detail("timeSync", "write");
            }
            case 60 -> {
                if (f == Dnp3Functions.READ && var < CLASSES.length && CLASSES[var] != null) session.detail("classPoll", CLASSES[var]);
            }
            case 70 -> {
                session.detail("fileTransfer", var < G70.length ? G70[var] : G70[0]);
                fileTransfer(curTime);
            }
            case 80 -> {
                if (f == Dnp3Functions.WRITE) session.detail("iinWrite", "1");
            }
            case 110, 111, 112, 113 -> session.detail("dataObject", OCTET_GROUPS[group - 110]);
            case 120 -> {
                session.detail("secureAuthentication", var < G120.length ? G120[var] : G120[0]);
                secureAuth(curTime);
            }
            default -> { }
        }
    }

    @Override
    public void attribute(int variation, long index, int dataType, byte[] b, int off, int len) {
        // attributes describe the device that states them: only from the outstation's responses
        if (curFunc != Dnp3Functions.RESPONSE && curFunc != Dnp3Functions.UNSOLICITED_RESPONSE) return;
        String name = Dnp3Attributes.name(variation);
        if (name == null) return;
        String value = Dnp3Attributes.value(dataType, b, off, len);
        if (value == null) return;
        if (attributesSeen == null) attributesSeen = new HashSet<>();
        String key = curSide + name + '\0' + value;
        if (attributesSeen.contains(key)) return;
        if (attributesSeen.size() >= MAX_ATTRIBUTES) {
            droppedAttributes++;
            return;
        }
        attributesSeen.add(key);
        session.facts().accept(new Fact.Identity(curTime, session.endpoint(curSide), name, value, SOURCE_G0, Confidence.STATED));
    }
}
