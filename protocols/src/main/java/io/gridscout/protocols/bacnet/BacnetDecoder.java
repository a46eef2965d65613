package io.gridscout.protocols.bacnet;

import io.gridscout.protocols.fact.Confidence;
import io.gridscout.protocols.fact.Endpoint;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.OperationKind;
import io.gridscout.protocols.flow.ProtocolDecoder;
import io.gridscout.protocols.flow.Session;
import io.gridscout.protocols.util.IdNames;
import io.gridscout.protocols.util.LongSet;
import io.gridscout.protocols.util.ServiceRoles;

import java.nio.charset.StandardCharsets;

/**
 * BACnet/IP datagrams. I-Am and ReadProperty(Multiple) ACKs about device objects give Identity facts (source
 * "bacnet": deviceInstance, vendorId, vendor, name, model, firmware, softwareVersion). A message whose NPDU carries
 * a source network (SNET, i.e. from a device behind a BACnet router) describes that remote device, not the IP
 * endpoint: it becomes ServiceDetail "routedDevices" ("net:addr device N; attr=value") under role "router".
 * Roles: I-Am / ACK senders are "server", confirmed request and Who-Is senders "client". Confirmed requests are
 * operations (code = service choice).
 */
final class BacnetDecoder implements ProtocolDecoder {
    private static final String PROTO = "bacnet";
    private static final int MAX_SEEN = 256;
    /** BACnet vendor identifiers (resource generated from tshark's value_strings, see the file header). */
    static final IdNames VENDORS = IdNames.load(BacnetDecoder.class, "bacnet-vendors.tsv");
    private static final int DEVICE = 8;

    private final Session session;
    private final ServiceRoles roles;
    private final LongSet seen = new LongSet(MAX_SEEN); // keys of values already reported
    // tag header scratch (no per-packet objects)
    private int tagNum, tagLen, tagOff;
    private boolean tagContext, tagOpen, tagClose;

    BacnetDecoder(Session session) {
        this.session = session;
        this.roles = new ServiceRoles(session, PROTO, "server", "client", "router");
    }

    long seenDropped() { return seen.refused(); }

    /** Offset of the NPDU after the BVLC header, or -1 for BVLC functions without one. */
    static int npduOffset(byte[] b, int off, int len) {
        int f = b[off + 1] & 0xFF;
        if (f == 0x0A || f == 0x0B || f == 0x09 || f == 0x0C) return off + 4;
        if (f == 0x04) return len >= 10 ? off + 10 : -1; // Forwarded-NPDU: original B/IP address first
        return -1;
    }

    @Override
    public void onData(int side, byte[] buf, int off, int len, long t) {
        try {
            if (side < 0 || side > 1 || buf == null || off < 0 || len < 0 || off + len > buf.length) return;
            if (len < 4 || (buf[off] & 0xFF) != 0x81) { session.malformed(side, "not BVLC"); return; }
            int declared = ((buf[off + 2] & 0xFF) << 8) | (buf[off + 3] & 0xFF);
            if (declared < 4 || declared > len) { session.malformed(side, "bad BVLC length"); return; }
            int end = off + declared;
            int p = npduOffset(buf, off, declared);
            if (p < 0) { session.detail("bvlc", "control"); return; }
            npdu(side, buf, p, end, t);
        } catch (RuntimeException e) {
            session.malformed(side, "decoder error " + e.getClass().getSimpleName());
        }
    }

    /** An NPDU without BVLC (BACnet over Ethernet: after the LLC header 82 82 03), from {@code side}. */
    void onNpdu(int side, byte[] buf, int off, int len, long t) {
        try {
            if (side < 0 || side > 1 || buf == null || off < 0 || len < 0 || off + len > buf.length) return;
            npdu(side, buf, off, off + len, t);
        } catch (RuntimeException e) {
            session.malformed(side, "decoder error " + e.getClass().getSimpleName());
        }
    }

    private void npdu(int side, byte[] b, int p, int end, long t) {
        if (end - p < 2 || (b[p] & 0xFF) != 0x01) { session.malformed(side, "bad NPDU version"); return; }
        int ctrl = b[p + 1] & 0xFF;
        p += 2;
        if ((ctrl & 0x20) != 0) { // DNET, DLEN, DADR
            if (end - p < 3) { session.malformed(side, "short NPDU"); return; }
            p += 3 + (b[p + 2] & 0xFF);
        }
        long src = -1; // SNET:SADR of a routed sender
        if ((ctrl & 0x08) != 0) {
            if (end - p < 3) { session.malformed(side, "short NPDU"); return; }
            int snet = ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
            int slen = b[p + 2] & 0xFF;
            if (slen > 6 || end - p < 3 + slen) { session.malformed(side, "bad SADR"); return; }
            long sadr = 0;
            for (int i = 0; i < slen; i++) sadr = (sadr << 8) | (b[p + 3 + i] & 0xFF);
            src = ((long) snet << 48) | ((long) slen << 44) | sadr;
            p += 3 + slen;
        }
        if ((ctrl & 0x20) != 0) p++; // hop count
        if (p > end) { session.malformed(side, "short NPDU"); return; }
        if ((ctrl & 0x80) != 0) { session.detail("network", "message"); return; }
        if (end - p < 1) { session.malformed(side, "empty APDU"); return; }
        apdu(side, b, p, end, src, t);
    }

    private void apdu(int side, byte[] b, int p, int end, long src, long t) {
        int type = (b[p] & 0xFF) >> 4;
        switch (type) {
            case 0 -> { // confirmed request
                boolean seg = (b[p] & 0x08) != 0;
                int s = p + 3 + (seg ? 2 : 0);
                if (s >= end) { session.malformed(side, "short confirmed request"); return; }
                roles.client(side, t);
                confirmed(b[s] & 0xFF);
            }
            case 1 -> {
                if (end - p < 2) { session.malformed(side, "short unconfirmed request"); return; }
                unconfirmed(side, b, p + 2, end, b[p + 1] & 0xFF, src, t);
            }
            case 2 -> roles.server(side, t);
            case 3 -> { // complex ACK
                boolean seg = (b[p] & 0x08) != 0;
                int s = p + 2 + (seg ? 2 : 0);
                if (s >= end) { session.malformed(side, "short complex ack"); return; }
                roles.server(side, t);
                int service = b[s] & 0xFF;
                if (seg && (b[p + 2] & 0xFF) != 0) return; // only the first segment starts at a tag boundary
                if (service == 12) readPropertyAck(side, b, s + 1, end, src, t);
                else if (service == 14) readPropertyMultipleAck(side, b, s + 1, end, src, t);
            }
            case 4 -> session.detail("apdu", "segmentAck");
            case 5 -> { roles.server(side, t); session.detail("apdu", "error"); }
            case 6 -> { roles.server(side, t); session.detail("apdu", "reject"); }
            case 7 -> session.detail("apdu", "abort");
            default -> session.malformed(side, "unknown APDU type");
        }
    }

    private void unconfirmed(int side, byte[] b, int p, int end, int service, long src, long t) {
        switch (service) {
            case 0 -> { roles.server(side, t); iAm(side, b, p, end, src, t); }
            case 1 -> { roles.server(side, t); session.detail("unconfirmed", "iHave"); }
            case 2 -> session.detail("unconfirmed", "unconfirmedCOVNotification");
            case 3 -> session.detail("unconfirmed", "unconfirmedEventNotification");
            case 4 -> session.detail("unconfirmed", "unconfirmedPrivateTransfer");
            case 5 -> session.detail("unconfirmed", "unconfirmedTextMessage");
            case 6 -> session.detail("unconfirmed", "timeSynchronization");
            case 7 -> { roles.client(side, t); session.detail("unconfirmed", "whoHas"); }
            case 8 -> { roles.client(side, t); session.detail("unconfirmed", "whoIs"); }
            case 9 -> session.detail("unconfirmed", "utcTimeSynchronization");
            case 10 -> session.detail("unconfirmed", "writeGroup");
            default -> session.detail("unconfirmed", "other");
        }
    }

    /** I-Am: application tags object-identifier, max-APDU, segmentation, vendor-id. */
    private void iAm(int side, byte[] b, int p, int end, long src, long t) {
        if (!tag(b, p, end) || tagContext || tagNum != 12 || tagLen != 4) { session.malformed(side, "bad I-Am"); return; }
        long oid = unsigned(b, tagOff, 4);
        int q = tagOff + 4;
        if (!tag(b, q, end)) { session.malformed(side, "bad I-Am"); return; }
        q = tagOff + tagLen;
        if (!tag(b, q, end)) { session.malformed(side, "bad I-Am"); return; }
        q = tagOff + tagLen;
        if (!tag(b, q, end) || tagContext || tagNum != 2 || tagLen > 4) { session.malformed(side, "bad I-Am"); return; }
        long vendor = unsigned(b, tagOff, tagLen);
        if ((oid >>> 22) != DEVICE) return;
        long instance = oid & 0x3FFFFF;
        fact(side, src, instance, "deviceInstance", Long.toString(instance), t);
        fact(side, src, instance, "vendorId", Long.toString(vendor), t);
        String vn = VENDORS.name((int) vendor);
        if (vn != null) fact(side, src, instance, "vendor", vn, t);
    }

    private void readPropertyAck(int side, byte[] b, int p, int end, long src, long t) {
        if (!tag(b, p, end) || !tagContext || tagNum != 0 || tagLen != 4) return;
        long oid = unsigned(b, tagOff, 4);
        p = tagOff + 4;
        if (!tag(b, p, end) || !tagContext || tagNum != 1 || tagLen > 4) return;
        int prop = (int) unsigned(b, tagOff, tagLen);
        p = tagOff + tagLen;
        if (!tag(b, p, end)) return;
        if (tagContext && tagNum == 2 && !tagOpen) { p = tagOff + tagLen; if (!tag(b, p, end)) return; }
        if (!tagOpen || tagNum != 3) return;
        if ((oid >>> 22) == DEVICE) property(side, b, tagOff, end, src, oid & 0x3FFFFF, prop, t);
    }

    private void readPropertyMultipleAck(int side, byte[] b, int p, int end, long src, long t) {
        int guard = 0;
        while (p < end && guard++ < 1024) {
            if (!tag(b, p, end) || !tagContext || tagNum != 0 || tagLen != 4) return;
            long oid = unsigned(b, tagOff, 4);
            p = tagOff + 4;
            if (!tag(b, p, end) || !tagOpen || tagNum != 1) return;
            p = tagOff;
            while (p < end && guard++ < 4096) {
                if (!tag(b, p, end)) return;
                if (tagClose && tagNum == 1) { p = tagOff; break; }
                if (!tagContext || tagNum != 2 || tagLen > 4) return;
                int prop = (int) unsigned(b, tagOff, tagLen);
                p = tagOff + tagLen;
                if (!tag(b, p, end)) return;
                if (tagContext && tagNum == 3 && !tagOpen) { p = tagOff + tagLen; if (!tag(b, p, end)) return; }
                if (!tagOpen || (tagNum != 4 && tagNum != 5)) return;
                int closing = tagNum;
                if (closing == 4 && (oid >>> 22) == DEVICE) property(side, b, tagOff, end, src, oid & 0x3FFFFF, prop, t);
                p = skipToClose(b, tagOff, end, closing);
                if (p < 0) return;
            }
        }
    }

    /** Skips nested values until the closing tag of {@code num}; returns the offset after it or -1. */
    private int skipToClose(byte[] b, int p, int end, int num) {
        int depth = 0;
        while (p < end) {
            if (!tag(b, p, end)) return -1;
            if (tagOpen) depth++;
            else if (tagClose) { if (depth == 0) return tagNum == num ? tagOff : -1; depth--; }
            p = tagOpen || tagClose ? tagOff : tagOff + tagLen;
        }
        return -1;
    }

    /** The first application-tagged value of a device property at p. */
    private void property(int side, byte[] b, int p, int end, long src, long instance, int prop, long t) {
        String name = switch (prop) {
            case 77 -> "name";
            case 70 -> "model";
            case 44 -> "firmware";
            case 12 -> "softwareVersion";
            case 121 -> "vendor";
            case 120 -> "vendorId";
            default -> null;
        };
        if (name == null || !tag(b, p, end) || tagContext) return;
        String value;
        if (tagNum == 7 && tagLen >= 1) value = charString(b, tagOff, tagLen);
        else if (tagNum == 2 && tagLen <= 4) value = Long.toString(unsigned(b, tagOff, tagLen));
        else return;
        if (value == null || value.isEmpty()) return;
        fact(side, src, instance, name, value, t);
        if (prop == 120) {
            String vn = VENDORS.name((int) unsigned(b, tagOff, tagLen));
            if (vn != null) fact(side, src, instance, "vendor", vn, t);
        }
    }

    private static String charString(byte[] b, int off, int len) {
        int cs = b[off] & 0xFF;
        if (cs == 0) return new String(b, off + 1, len - 1, StandardCharsets.UTF_8).trim();
        if (cs == 4 && ((len - 1) & 1) == 0) return new String(b, off + 1, len - 1, StandardCharsets.UTF_16BE).trim();
        if (cs == 5) return new String(b, off + 1, len - 1, StandardCharsets.ISO_8859_1).trim();
        return null;
    }

    private void fact(int side, long src, long instance, String name, String value, long t) {
        long h = ((src * 31 + instance) * 31 + name.hashCode()) * 31 + value.hashCode();
        if (!seen.add(h)) return;
        Endpoint ep = session.endpoint(side);
        if (src < 0) {
            session.facts().accept(new Fact.Identity(t, ep, name, value, "bacnet", Confidence.STATED));
            return;
        }
        roles.emit(side, "router", t);
        int snet = (int) (src >>> 48);
        int slen = (int) (src >>> 44) & 0xF;
        StringBuilder sb = new StringBuilder(48).append(snet).append(':');
        for (int i = slen - 1; i >= 0; i--) {
            int octet = (int) (src >>> (8 * i)) & 0xFF;
            sb.append(Character.forDigit(octet >> 4, 16)).append(Character.forDigit(octet & 0xF, 16));
        }
        sb.append(" device ").append(instance).append("; ").append(name).append('=').append(value);
        session.facts().accept(new Fact.ServiceDetail(t, ep, PROTO, session.transport(), "router", "routedDevices", sb.toString()));
    }

    private void confirmed(int service) {
        switch (service) {
            case 0 -> session.operation(service, "ACKNOWLEDGE_ALARM", OperationKind.OTHER);
            case 1 -> session.operation(service, "CONFIRMED_COV_NOTIFICATION", OperationKind.OTHER);
            case 2 -> session.operation(service, "CONFIRMED_EVENT_NOTIFICATION", OperationKind.OTHER);
            case 3 -> session.operation(service, "GET_ALARM_SUMMARY", OperationKind.READ);
            case 4 -> session.operation(service, "GET_ENROLLMENT_SUMMARY", OperationKind.READ);
            case 5 -> session.operation(service, "SUBSCRIBE_COV", OperationKind.READ);
            case 6 -> session.operation(service, "ATOMIC_READ_FILE", OperationKind.READ);
            case 7 -> session.operation(service, "ATOMIC_WRITE_FILE", OperationKind.PROGRAM);
            case 8 -> session.operation(service, "ADD_LIST_ELEMENT", OperationKind.WRITE);
            case 9 -> session.operation(service, "REMOVE_LIST_ELEMENT", OperationKind.WRITE);
            case 10 -> session.operation(service, "CREATE_OBJECT", OperationKind.WRITE);
            case 11 -> session.operation(service, "DELETE_OBJECT", OperationKind.WRITE);
            case 12 -> session.operation(service, "READ_PROPERTY", OperationKind.READ);
            case 13 -> session.operation(service, "READ_PROPERTY_CONDITIONAL", OperationKind.READ);
            case 14 -> session.operation(service, "READ_PROPERTY_MULTIPLE", OperationKind.READ);
            case 15 -> session.operation(service, "WRITE_PROPERTY", OperationKind.WRITE);
            case 16 -> session.operation(service, "WRITE_PROPERTY_MULTIPLE", OperationKind.WRITE);
            case 17 -> session.operation(service, "DEVICE_COMMUNICATION_CONTROL", OperationKind.CONTROL);
            case 18 -> session.operation(service, "CONFIRMED_PRIVATE_TRANSFER", OperationKind.OTHER);
            case 19 -> session.operation(service, "CONFIRMED_TEXT_MESSAGE", OperationKind.OTHER);
            case 20 -> session.operation(service, "REINITIALIZE_DEVICE", OperationKind.CONTROL);
            case 21, 22, 23 -> session.operation(service, "VIRTUAL_TERMINAL", OperationKind.OTHER);
            case 24, 25 -> session.operation(service, "SECURITY", OperationKind.OTHER);
            case 26 -> session.operation(service, "READ_RANGE", OperationKind.READ);
            case 27 -> session.operation(service, "LIFE_SAFETY_OPERATION", OperationKind.CONTROL);
            case 28 -> session.operation(service, "SUBSCRIBE_COV_PROPERTY", OperationKind.READ);
            case 29 -> session.operation(service, "GET_EVENT_INFORMATION", OperationKind.READ);
            case 30 -> session.operation(service, "SUBSCRIBE_COV_PROPERTY_MULTIPLE", OperationKind.READ);
            case 31 -> session.operation(service, "CONFIRMED_COV_NOTIFICATION_MULTIPLE", OperationKind.OTHER);
            case 32 -> session.operation(service, "CONFIRMED_AUDIT_NOTIFICATION", OperationKind.OTHER);
            case 33 -> session.operation(service, "AUDIT_LOG_QUERY", OperationKind.READ);
            default -> session.operation(service, "UNKNOWN", OperationKind.OTHER);
        }
    }

    /**
     * Parses a tag header at p into the tag fields: tagOff is where the value starts (or, for opening/closing
     * tags, the next tag). Application booleans carry their value in the header (tagLen 0). False if it overruns.
     */
    private boolean tag(byte[] b, int p, int end) {
        if (p >= end) return false;
        int h = b[p++] & 0xFF;
        int num = h >> 4;
        boolean ctx = (h & 0x08) != 0;
        int lvt = h & 0x07;
        if (num == 15) { if (p >= end) return false; num = b[p++] & 0xFF; }
        tagNum = num;
        tagContext = ctx;
        tagOpen = ctx && lvt == 6;
        tagClose = ctx && lvt == 7;
        if (tagOpen || tagClose) { tagLen = 0; tagOff = p; return true; }
        int len = lvt;
        if (!ctx && num == 1) len = 0; // boolean
        else if (lvt == 5) {
            if (p >= end) return false;
            len = b[p++] & 0xFF;
            if (len == 254) { if (end - p < 2) return false; len = ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF); p += 2; }
            else if (len == 255) { if (end - p < 4) return false; long l = unsigned(b, p, 4); if (l > end) return false; len = (int) l; p += 4; }
        }
        if (len > end - p) return false;
        tagLen = len;
        tagOff = p;
        return true;
    }


    private static long unsigned(byte[] b, int off, int len) {
        long v = 0;
        for (int i = 0; i < len && i < 8; i++) v = (v << 8) | (b[off + i] & 0xFF);
        return v;
    }
}
