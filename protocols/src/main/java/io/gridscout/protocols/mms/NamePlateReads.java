package io.gridscout.protocols.mms;

import io.gridscout.protocols.fact.Confidence;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.flow.Session;
import io.gridscout.protocols.util.Ber;

/**
 * IEC 61850 name plates read over MMS: LLN0.NamPlt (LPL: vendor, swRev, ..., configRev) and LPHD.PhyNam (DPL:
 * vendor, hwRev, swRev, serNum, model, location). A Read of one variable whose item id ends in "$DC$NamPlt" or
 * "$DC$PhyNam" (or one of their attributes) is remembered by invokeID; its answer names the server's device.
 */
final class NamePlateReads {
    private static final int PENDING = 8;
    private static final int MAX_TEXT = 128;

    // what a pending read asks for: plate (NAMPLT/PHYNAM) | attribute (0 = the whole structure)
    private static final int NAMPLT = 0x100, PHYNAM = 0x200;
    private static final int WHOLE = 0, VENDOR = 1, HW_REV = 2, SW_REV = 3, SER_NUM = 4, MODEL = 5, LOCATION = 6, CONFIG_REV = 7;
    private static final String[] SUFFIX = {"", "$vendor", "$hwRev", "$swRev", "$serNum", "$model", "$location", "$configRev"};
    private static final String[] ATTRIBUTE = {null, "vendor", "hardware", "firmware", "serial", "model", "location", "configRev"};
    /** DPL (PhyNam) attributes in the order of IEC 61850-7-3; all but vendor optional. */
    private static final int[] DPL_ORDER = {VENDOR, HW_REV, SW_REV, SER_NUM, MODEL, LOCATION};
    /** LPL (NamPlt) starts with the mandatory vendor and swRev. */
    private static final int[] LPL_ORDER = {VENDOR, SW_REV};

    private final Session session;
    private final Ber ber = new Ber();
    private final long[] pendingInvoke = new long[PENDING];
    private final int[] pendingWhat = new int[PENDING];
    private int next;
    /** Bits (plate index * 8 + attribute) already reported, per side. */
    private final int[] sent = new int[2];

    NamePlateReads(Session session) {
        this.session = session;
        java.util.Arrays.fill(pendingInvoke, -1);
    }

    /** Read-Request: [1] variableAccessSpecification / [0] listOfVariable / SEQUENCE / [0] name / [1] domain-specific. */
    void request(byte[] b, int p, int end, long invoke) {
        if (!ber.find(b, p, end, 0xA1) || !ber.find(b, ber.valueOff, ber.end(), 0xA0)) return;
        int listEnd = ber.end();
        if (!ber.read(b, ber.valueOff, listEnd) || ber.first != 0x30 || ber.end() != listEnd) return; // one variable only
        if (!ber.find(b, ber.valueOff, ber.end(), 0xA0) || !ber.find(b, ber.valueOff, ber.end(), 0xA1)) return;
        int q = ber.valueOff, qe = ber.end();
        if (!ber.read(b, q, qe) || ber.first != 0x1A) return; // domainId
        if (!ber.read(b, ber.end(), qe) || ber.first != 0x1A) return; // itemId
        int what = classify(b, ber.valueOff, ber.valueLen);
        if (what < 0) return;
        pendingInvoke[next] = invoke;
        pendingWhat[next] = what;
        next = (next + 1) % PENDING;
    }

    private static int classify(byte[] b, int off, int len) {
        for (int plate = 0; plate < 2; plate++) {
            String base = plate == 0 ? "$DC$NamPlt" : "$DC$PhyNam";
            for (int a = 0; a < SUFFIX.length; a++) {
                if (plate == 0 && (a == HW_REV || a == SER_NUM || a == MODEL || a == LOCATION)) continue;
                if (plate == 1 && a == CONFIG_REV) continue;
                if (endsWith(b, off, len, base, SUFFIX[a])) return (plate == 0 ? NAMPLT : PHYNAM) | a;
            }
        }
        return -1;
    }

    private static boolean endsWith(byte[] b, int off, int len, String base, String suffix) {
        int n = base.length() + suffix.length();
        if (len < n) return false;
        int p = off + len - n;
        for (int i = 0; i < base.length(); i++) if (b[p + i] != base.charAt(i)) return false;
        p += base.length();
        for (int i = 0; i < suffix.length(); i++) if (b[p + i] != suffix.charAt(i)) return false;
        return true;
    }

    /** Read-Response: [1] listOfAccessResult with one Data: a visible-string [10] or a structure [2] of them. */
    void response(int side, byte[] b, int p, int end, long invoke, long t) {
        int what = -1;
        for (int i = 0; i < PENDING; i++) {
            if (pendingInvoke[i] == invoke) {
                what = pendingWhat[i];
                pendingInvoke[i] = -1;
                break;
            }
        }
        if (what < 0) return;
        if (!ber.find(b, p, end, 0xA1) || !ber.read(b, ber.valueOff, ber.end())) return;
        int plate = what & 0x300, attr = what & 0xFF;
        if (attr != WHOLE) {
            if (ber.first == 0x8A || ber.first == 0x90) emit(side, plate, attr, b, ber.valueOff, ber.valueLen, t);
            return;
        }
        if (ber.first != 0xA2) return;
        int so = ber.valueOff, se = ber.end();
        int[] order = plate == NAMPLT ? LPL_ORDER : DPL_ORDER;
        // optional DPL attributes shift positions; trust them only when the structure has them all
        int strings = 0;
        for (int q = so; q < se && ber.read(b, q, se); q = ber.end()) {
            if (ber.first == 0x8A || ber.first == 0x90) strings++;
        }
        int usable = plate == NAMPLT || strings >= DPL_ORDER.length ? order.length : 1;
        for (int q = so, i = 0; q < se && i < usable && ber.read(b, q, se); i++) {
            if (ber.first != 0x8A && ber.first != 0x90) break;
            int vo = ber.valueOff, vl = ber.valueLen;
            q = ber.end();
            emit(side, plate, order[i], b, vo, vl, t);
        }
    }

    private void emit(int side, int plate, int attr, byte[] b, int off, int len, long t) {
        int bit = 1 << ((plate == NAMPLT ? 0 : 8) + attr);
        if ((sent[side] & bit) != 0) return;
        String v = Ber.text(b, off, len, MAX_TEXT);
        if (v == null) return;
        sent[side] |= bit;
        session.facts().accept(new Fact.Identity(t, session.endpoint(side), ATTRIBUTE[attr], v,
                plate == NAMPLT ? "mms.NamPlt" : "mms.PhyNam", Confidence.STATED));
    }
}
