package io.gridscout.protocols.enip;

import io.gridscout.protocols.fact.Confidence;
import io.gridscout.protocols.fact.Endpoint;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.IpAddr;
import io.gridscout.protocols.fact.OperationKind;
import io.gridscout.protocols.fact.Transport;
import io.gridscout.protocols.flow.ProtocolDecoder;
import io.gridscout.protocols.flow.Session;
import io.gridscout.protocols.util.IdNames;
import io.gridscout.protocols.util.LongSet;
import io.gridscout.protocols.util.ServiceRoles;
import io.gridscout.protocols.util.StreamBuffer;

import java.nio.charset.StandardCharsets;

/**
 * EtherNet/IP encapsulation and the CIP messages inside SendRRData/SendUnitData.
 *
 * <ul>
 * <li>ListIdentity responses -> Identity facts of the responder, source "enip.listidentity".</li>
 * <li>Identity object (class 1) Get_Attributes_All responses -> source "cip.identity" when the request addressed
 * the device itself; when it was routed through Unconnected Send (e.g. to a backplane slot) the identity belongs
 * to the module behind the responder and becomes ServiceDetail "modules" ("port/link product; attrs...").</li>
 * <li>CIP requests -> operations (code = CIP service code). Multiple Service Packet and Unconnected Send are
 * walked and their embedded requests counted instead. Kinds: get services READ, set/create/delete WRITE,
 * reset/start/stop/forward open/close CONTROL, File object (class 0x37) upload/download services PROGRAM (this is
 * how program/firmware files move; upload is counted as PROGRAM too since only engineering tools do it),
 * Logix tag services (0x4C read, 0x4D write, 0x4E read-modify-write, 0x52/0x53 fragmented) READ/WRITE; class-specific
 * services on Logix program-structure objects (see {@link #isLogixProgramClass}) PROGRAM "LOGIX_PROGRAM_OBJECT"; other
 * class-specific services OTHER "CLASS_SPECIFIC".</li>
 * </ul>
 * Roles: the side answering (ListIdentity reply, CIP response, session handle assigned) is "server".
 */
final class EnipDecoder implements ProtocolDecoder {
    private static final String PROTO = "enip";
    private static final int MAX_MESSAGE = 24 + 65535;
    private static final int PENDING = 16;
    private static final int MAX_SEEN = 128;
    private static final int MAX_DEPTH = 3;
    /** CIP vendor ids and device types (resources generated from tshark's value_strings, see the file headers). */
    static final IdNames CIP_VENDORS = IdNames.load(EnipDecoder.class, "cip-vendors.tsv");
    static final IdNames CIP_DEVICE_TYPES = IdNames.load(EnipDecoder.class, "cip-device-types.tsv");

    private final Session session;
    private final ServiceRoles roles;
    private final StreamBuffer[] buffers = new StreamBuffer[2];
    // requests awaiting a response: key (sender context or connected sequence), service, class, route
    private final long[] pendKey = new long[PENDING];
    private final int[] pendSvc = new int[PENDING];
    private final int[] pendCls = new int[PENDING];
    private final int[] pendRoute = new int[PENDING];
    private int pendNext;
    private final LongSet seen = new LongSet(MAX_SEEN); // keys of values already reported; ListIdentity socket
                                                         // addresses are kept apart from identity hashes by ADDRESS_KEY

    private static final long ADDRESS_KEY = 0x6A09E667F3BCC908L;

    EnipDecoder(Session session) {
        this.session = session;
        this.roles = new ServiceRoles(session, PROTO, "server", "client");
        java.util.Arrays.fill(pendKey, Long.MIN_VALUE);
    }

    static boolean isEncapsulation(byte[] b, int off, int len) {
        if (len < 24) return false;
        int cmd = u16(b, off);
        boolean known = cmd == 0x0001 || cmd == 0x0004 || cmd == 0x0063 || cmd == 0x0064 || cmd == 0x0065
                || cmd == 0x0066 || cmd == 0x006F || cmd == 0x0070 || cmd == 0x0072 || cmd == 0x0073;
        return known && u32(b, off + 20) == 0; // options must be zero
    }

    /** A CIP I/O datagram: common packet format starting with a sequenced address item (0x8002). */
    static boolean isIoDatagram(byte[] b, int off, int len) {
        if (len < 6) return false;
        int count = u16(b, off);
        return count >= 2 && count <= 4 && u16(b, off + 2) == 0x8002 && u16(b, off + 4) == 8;
    }

    @Override
    public void onData(int side, byte[] buf, int off, int len, long t) {
        try {
            if (side < 0 || side > 1 || buf == null || off < 0 || len < 0 || off + len > buf.length) return;
            if (session.transport() == Transport.UDP) {
                if (isEncapsulation(buf, off, len)) messages(side, buf, off, len, t, true);
                else if (isIoDatagram(buf, off, len)) session.detail("io", "cyclic");
                else session.malformed(side, "not encapsulation");
                return;
            }
            StreamBuffer sb = buffers[side];
            if (sb == null) sb = buffers[side] = new StreamBuffer(MAX_MESSAGE);
            if (sb.length() == 0) {
                int used = messages(side, buf, off, len, t, false);
                if (used < len && !sb.append(buf, off + used, len - used)) sb.clear();
                return;
            }
            if (!sb.append(buf, off, len)) { sb.clear(); session.malformed(side, "buffer overflow"); return; }
            sb.consume(messages(side, sb.data(), 0, sb.length(), t, false));
        } catch (RuntimeException e) {
            session.malformed(side, "decoder error " + e.getClass().getSimpleName());
        }
    }

    @Override
    public void onGap(int side, long t) {
        if (side >= 0 && side < 2 && buffers[side] != null) buffers[side].clear();
    }

    private int messages(int side, byte[] b, int off, int len, long t, boolean datagram) {
        int p = off, end = off + len;
        while (end - p >= 24) {
            if (!isEncapsulation(b, p, end - p)) { session.malformed(side, "bad encapsulation header"); return len; }
            int size = 24 + u16(b, p + 2);
            if (size > end - p) {
                if (datagram) { session.malformed(side, "truncated message"); return len; }
                break;
            }
            message(side, b, p, size, t);
            p += size;
        }
        return p - off;
    }

    private void message(int side, byte[] b, int off, int size, long t) {
        int cmd = u16(b, off);
        int length = size - 24;
        long handle = u32(b, off + 4);
        long status = u32(b, off + 8);
        long context = u64(b, off + 12);
        int data = off + 24, end = off + size;
        switch (cmd) {
            case 0x0063 -> {
                session.detail("command", "ListIdentity");
                if (length == 0) roles.client(side, t);
                else { roles.server(side, t); listIdentity(side, b, data, end, t); }
            }
            case 0x0004 -> { session.detail("command", "ListServices"); if (length == 0) roles.client(side, t); else roles.server(side, t); }
            case 0x0064 -> { session.detail("command", "ListInterfaces"); if (length == 0) roles.client(side, t); else roles.server(side, t); }
            case 0x0065 -> {
                session.detail("command", "RegisterSession");
                if (handle == 0) roles.client(side, t); else if (status == 0) roles.server(side, t);
            }
            case 0x0066 -> { session.detail("command", "UnregisterSession"); roles.client(side, t); }
            case 0x006F -> { session.detail("command", "SendRRData"); cpf(side, b, data, end, context, t); }
            case 0x0070 -> { session.detail("command", "SendUnitData"); cpf(side, b, data, end, Long.MIN_VALUE, t); }
            default -> session.detail("command", "other");
        }
        if (status != 0) session.detail("encapStatus", status == 1 ? "invalid command" : status == 0x64 ? "invalid session" : "error");
    }

    /** Common packet format of SendRRData/SendUnitData: interface handle, timeout, items. */
    private void cpf(int side, byte[] b, int p, int end, long context, long t) {
        if (end - p < 8) { session.malformed(side, "short cpf"); return; }
        int count = u16(b, p + 6);
        p += 8;
        for (int i = 0; i < count && i < 8; i++) {
            if (end - p < 4) { session.malformed(side, "truncated cpf item"); return; }
            int type = u16(b, p), len = u16(b, p + 2);
            int v = p + 4;
            if (len > end - v) { session.malformed(side, "truncated cpf item"); return; }
            if (type == 0x00B2) cip(side, b, v, v + len, context, t);
            else if (type == 0x00B1 && len >= 2) cip(side, b, v + 2, v + len, (1L << 62) | u16(b, v), t);
            p = v + len;
        }
    }

    private void cip(int side, byte[] b, int p, int end, long key, long t) {
        if (end - p < 2) { session.malformed(side, "short cip message"); return; }
        int service = b[p] & 0xFF;
        if ((service & 0x80) != 0) {
            roles.server(side, t);
            response(side, b, p, end, key, t);
        } else {
            roles.client(side, t);
            request(side, b, p, end, key, -1, 0, t);
        }
    }

    private void request(int side, byte[] b, int p, int end, long key, int route, int depth, long t) {
        if (end - p < 2 || depth > MAX_DEPTH) { session.malformed(side, "short cip request"); return; }
        int service = b[p] & 0x7F;
        int pathLen = 2 * (b[p + 1] & 0xFF);
        int path = p + 2, data = path + pathLen;
        if (data > end) { session.malformed(side, "cip path overruns"); return; }
        int cls = classOf(b, path, data);
        boolean symbolic = hasSymbol(b, path, data);
        if (service == 0x52 && cls == 6) { unconnectedSend(side, b, data, end, key, depth, t); return; }
        if (service == 0x0A) { multiple(side, b, data, end, depth, t); return; }
        operation(service, cls, symbolic);
        if (key != Long.MIN_VALUE && depth <= 1) remember(key, service, cls, route);
    }

    private void unconnectedSend(int side, byte[] b, int p, int end, long key, int depth, long t) {
        if (end - p < 4) { session.malformed(side, "short unconnected send"); return; }
        int msgLen = u16(b, p + 2);
        int msg = p + 4, msgEnd = msg + msgLen;
        if (msgEnd > end) { session.malformed(side, "unconnected send overruns"); return; }
        int r = msgEnd + (msgLen & 1);
        int route = -1;
        if (end - r >= 4) {
            int words = b[r] & 0xFF;
            int seg = b[r + 2] & 0xFF;
            // port segment: low nibble port, bit 4 = extended link address (then size byte + address)
            if (words > 0 && (seg & 0xE0) == 0 && (seg & 0x10) == 0 && (seg & 0x0F) != 0x0F) route = ((seg & 0x0F) << 8) | (b[r + 3] & 0xFF);
        }
        request(side, b, msg, msgEnd, key, route, depth + 1, t);
    }

    private void multiple(int side, byte[] b, int p, int end, int depth, long t) {
        if (end - p < 2) { session.malformed(side, "short multiple service packet"); return; }
        int n = u16(b, p);
        if (2 + 2L * n > end - p) { session.malformed(side, "multiple service packet overruns"); return; }
        for (int i = 0; i < n && i < 256; i++) {
            int s = p + u16(b, p + 2 + 2 * i);
            int e = i + 1 < n ? p + u16(b, p + 4 + 2 * i) : end;
            if (s < p || s >= e || e > end) { session.malformed(side, "bad service offset"); return; }
            request(side, b, s, e, Long.MIN_VALUE, -1, depth + 1, t);
        }
    }

    private void response(int side, byte[] b, int p, int end, long key, long t) {
        if (end - p < 4) { session.malformed(side, "short cip response"); return; }
        int service = b[p] & 0x7F;
        int status = b[p + 2] & 0xFF;
        int data = p + 4 + 2 * (b[p + 3] & 0xFF);
        if (data > end) { session.malformed(side, "cip status overruns"); return; }
        if (status != 0) session.detail("cipStatus", status == 1 ? "connection failure" : status == 5 ? "path destination unknown"
                : status == 8 ? "service not supported" : status == 0x14 ? "attribute not supported" : "error");
        int i = lookup(key);
        if (i < 0) return;
        pendKey[i] = Long.MIN_VALUE;
        if (status != 0 || service != pendSvc[i]) return;
        if (service == 0x01 && pendCls[i] == 1) identity(side, b, data, end, pendRoute[i], t);
    }

    /** Identity object instance attributes 1..7 in Get_Attributes_All order. */
    private void identity(int side, byte[] b, int p, int end, int route, long t) {
        if (end - p < 15) { session.malformed(side, "short identity"); return; }
        int nameLen = b[p + 14] & 0xFF;
        if (nameLen > end - p - 15) { session.malformed(side, "identity name overruns"); return; }
        if (route < 0) {
            device(side, b, p, p + 14, t, "cip.identity");
        } else {
            long h = hash(b, p, 15 + nameLen) ^ route;
            if (!seen.add(h)) return;
            StringBuilder sb = new StringBuilder(96);
            sb.append(route >> 8).append('/').append(route & 0xFF).append(' ')
              .append(new String(b, p + 15, nameLen, StandardCharsets.ISO_8859_1).trim());
            int vendor = u16(b, p);
            sb.append("; vendorId=").append(vendor);
            String vn = CIP_VENDORS.name(vendor);
            if (vn != null) sb.append("; vendor=").append(vn);
            sb.append("; deviceType=").append(u16(b, p + 2)).append("; productCode=").append(u16(b, p + 4))
              .append("; revision=").append(b[p + 6] & 0xFF).append('.').append(b[p + 7] & 0xFF)
              .append("; serial=").append(hex32(u32(b, p + 10)));
            session.facts().accept(new Fact.ServiceDetail(t, session.endpoint(side), PROTO, session.transport(), "server", "modules", sb.toString()));
        }
    }

    /** ListIdentity reply: CPF items of type 0x0C, each an identity with a socket address. */
    private void listIdentity(int side, byte[] b, int p, int end, long t) {
        if (end - p < 2) { session.malformed(side, "short list identity"); return; }
        int count = u16(b, p);
        p += 2;
        for (int i = 0; i < count && i < 4; i++) {
            if (end - p < 4) { session.malformed(side, "truncated identity item"); return; }
            int type = u16(b, p), len = u16(b, p + 2);
            int v = p + 4, e = v + len;
            if (e > end) { session.malformed(side, "truncated identity item"); return; }
            // version(2) sockaddr(16, big-endian) vendor(2) type(2) product(2) rev(2) status(2) serial(4) name(1+n) state(1)
            if (type == 0x000C && len >= 2 + 16 + 15) {
                int nameLen = b[v + 32] & 0xFF;
                if (nameLen <= e - v - 33) {
                    device(side, b, v + 18, v + 32, t, "enip.listidentity");
                    int addr = ((b[v + 6] & 0xFF) << 24) | ((b[v + 7] & 0xFF) << 16) | ((b[v + 8] & 0xFF) << 8) | (b[v + 9] & 0xFF);
                    // polled again and again like the identity: report an address once (keyed apart from identity hashes)
                    if (addr != 0 && seen.add(ADDRESS_KEY ^ (addr & 0xFFFF_FFFFL))) {
                        attr(side, "ipAddress", IpAddr.v4(addr).toString(), "enip.listidentity", t);
                    }
                } else session.malformed(side, "identity name overruns");
            }
            p = e;
        }
    }

    /** vendor(2) type(2) product(2) major(1) minor(1) status(2) serial(4) at p; short-string name at nameAt. */
    private void device(int side, byte[] b, int p, int nameAt, long t, String source) {
        long h = hash(b, p, nameAt + 1 + (b[nameAt] & 0xFF) - p) ^ source.hashCode();
        if (!seen.add(h)) return; // the same identity is polled again and again
        int vendor = u16(b, p);
        attr(side, "vendorId", Integer.toString(vendor), source, t);
        String vn = CIP_VENDORS.name(vendor);
        if (vn != null) attr(side, "vendor", vn, source, t);
        int type = u16(b, p + 2);
        String tn = CIP_DEVICE_TYPES.name(type);
        attr(side, "deviceType", tn != null ? tn : Integer.toString(type), source, t);
        attr(side, "productCode", Integer.toString(u16(b, p + 4)), source, t);
        attr(side, "firmware", (b[p + 6] & 0xFF) + "." + (b[p + 7] & 0xFF), source, t);
        attr(side, "serial", hex32(u32(b, p + 10)), source, t);
        String name = new String(b, nameAt + 1, b[nameAt] & 0xFF, StandardCharsets.ISO_8859_1).trim();
        if (!name.isEmpty()) attr(side, "model", name, source, t);
    }

    private void attr(int side, String name, String value, String source, long t) {
        session.facts().accept(new Fact.Identity(t, session.endpoint(side), name, value, source, Confidence.STATED));
    }

    private void operation(int service, int cls, boolean symbolic) {
        switch (service) {
            case 0x01 -> session.operation(service, "GET_ATTRIBUTES_ALL", OperationKind.READ);
            case 0x02 -> session.operation(service, "SET_ATTRIBUTES_ALL", OperationKind.WRITE);
            case 0x03 -> session.operation(service, "GET_ATTRIBUTE_LIST", OperationKind.READ);
            case 0x04 -> session.operation(service, "SET_ATTRIBUTE_LIST", OperationKind.WRITE);
            case 0x05 -> session.operation(service, "RESET", OperationKind.CONTROL);
            case 0x06 -> session.operation(service, "START", OperationKind.CONTROL);
            case 0x07 -> session.operation(service, "STOP", OperationKind.CONTROL);
            case 0x08 -> session.operation(service, "CREATE", OperationKind.WRITE);
            case 0x09 -> session.operation(service, "DELETE", OperationKind.WRITE);
            case 0x0D -> session.operation(service, "APPLY_ATTRIBUTES", OperationKind.WRITE);
            case 0x0E -> session.operation(service, "GET_ATTRIBUTE_SINGLE", OperationKind.READ);
            case 0x10 -> session.operation(service, "SET_ATTRIBUTE_SINGLE", OperationKind.WRITE);
            case 0x11 -> session.operation(service, "FIND_NEXT_OBJECT_INSTANCE", OperationKind.READ);
            case 0x15 -> session.operation(service, "RESTORE", OperationKind.WRITE);
            case 0x16 -> session.operation(service, "SAVE", OperationKind.WRITE);
            case 0x17 -> session.operation(service, "NO_OPERATION", OperationKind.OTHER);
            case 0x18 -> session.operation(service, "GET_MEMBER", OperationKind.READ);
            case 0x19 -> session.operation(service, "SET_MEMBER", OperationKind.WRITE);
            case 0x1A -> session.operation(service, "INSERT_MEMBER", OperationKind.WRITE);
            case 0x1B -> session.operation(service, "REMOVE_MEMBER", OperationKind.WRITE);
            case 0x1C -> session.operation(service, "GROUP_SYNC", OperationKind.CONTROL);
            default -> classSpecific(service, cls, symbolic);
        }
    }

    private void classSpecific(int service, int cls, boolean symbolic) {
        if (cls == 0x06) { // Connection Manager
            switch (service) {
                case 0x4E -> session.operation(service, "FORWARD_CLOSE", OperationKind.CONTROL);
                case 0x54 -> session.operation(service, "FORWARD_OPEN", OperationKind.CONTROL);
                case 0x5B -> session.operation(service, "LARGE_FORWARD_OPEN", OperationKind.CONTROL);
                case 0x56 -> session.operation(service, "GET_CONNECTION_DATA", OperationKind.READ);
                case 0x57 -> session.operation(service, "SEARCH_CONNECTION_DATA", OperationKind.READ);
                case 0x5A -> session.operation(service, "GET_CONNECTION_OWNER", OperationKind.READ);
                default -> session.operation(service, "CLASS_SPECIFIC", OperationKind.OTHER);
            }
        } else if (cls == 0x37) { // File object: program/firmware/EDS files move through these
            switch (service) {
                case 0x4B -> session.operation(service, "INITIATE_UPLOAD", OperationKind.PROGRAM);
                case 0x4C -> session.operation(service, "INITIATE_DOWNLOAD", OperationKind.PROGRAM);
                case 0x4D -> session.operation(service, "INITIATE_PARTIAL_READ", OperationKind.READ);
                case 0x4E -> session.operation(service, "INITIATE_PARTIAL_WRITE", OperationKind.PROGRAM);
                case 0x4F -> session.operation(service, "UPLOAD_TRANSFER", OperationKind.PROGRAM);
                case 0x50 -> session.operation(service, "DOWNLOAD_TRANSFER", OperationKind.PROGRAM);
                case 0x51 -> session.operation(service, "CLEAR_FILE", OperationKind.PROGRAM);
                default -> session.operation(service, "CLASS_SPECIFIC", OperationKind.OTHER);
            }
        } else if (isLogixProgramClass(cls) && service >= 0x4B && service <= 0x63) {
            // Logix program-structure objects: class-specific services on them move the project itself (see
            // isLogixProgramClass); RSLogix's upload lists them (0x4B) and reads their contents (0x4F, 0x4C)
            session.operation(service, "LOGIX_PROGRAM_OBJECT", OperationKind.PROGRAM);
        } else if (cls == 0x67 && service == 0x4B) {
            session.operation(service, "EXECUTE_PCCC", OperationKind.OTHER);
        } else if (symbolic || cls == 0x6B) { // Logix tags by name or symbol instance
            switch (service) {
                case 0x4C -> session.operation(service, "READ_TAG", OperationKind.READ);
                case 0x4D -> session.operation(service, "WRITE_TAG", OperationKind.WRITE);
                case 0x4E -> session.operation(service, "READ_MODIFY_WRITE_TAG", OperationKind.WRITE);
                case 0x52 -> session.operation(service, "READ_TAG_FRAGMENTED", OperationKind.READ);
                case 0x53 -> session.operation(service, "WRITE_TAG_FRAGMENTED", OperationKind.WRITE);
                case 0x55 -> session.operation(service, "GET_INSTANCE_ATTRIBUTE_LIST", OperationKind.READ);
                default -> session.operation(service, "CLASS_SPECIFIC", OperationKind.OTHER);
            }
        } else if (service == 0x55) {
            session.operation(service, "GET_INSTANCE_ATTRIBUTE_LIST", OperationKind.READ);
        } else {
            session.operation(service, "CLASS_SPECIFIC", OperationKind.OTHER);
        }
    }

    /**
     * Rockwell Logix classes that hold the controller project (programs, routines, tasks and their contents). CIP
     * Vol 1 reserves classes 0x64-0xC7 for vendors; Rockwell does not publish these, and tshark 4.0's cip dissector
     * names none of them ("Unknown (0x6a)"). The set is what the RSLogix 5000 upload in enip-iti-EIP-SoftwareUpload
     * shows the workstation addressing with class-specific services (0x4B on instance 0 of 0x68/0x69/0x6A/0x6D/0x6E
     * /0x70 answered with instance lists; 0x4F on 0x6A instances, also below a 0x68 instance, answered with their
     * contents; 0x4C on 0x68/0x6D). Tag access (0x6B Symbol, 0x6C Template, 1756-PM020) and the controller/clock
     * objects an HMI also reads (0xAC, 0x8E) are left out on purpose: reading tags is not programming.
     */
    static boolean isLogixProgramClass(int cls) {
        return cls == 0x68 || cls == 0x69 || cls == 0x6A || cls == 0x6D || cls == 0x6E || cls == 0x70;
    }

    /** First class id in an EPATH (logical class segment 8/16 bit), or -1. */
    static int classOf(byte[] b, int p, int end) {
        while (p < end) {
            int seg = b[p] & 0xFF;
            if (seg == 0x20 && p + 1 < end) return b[p + 1] & 0xFF;
            if (seg == 0x21 && p + 3 < end) return u16(b, p + 2);
            int n = segmentLength(b, p, end);
            if (n <= 0) return -1;
            p += n;
        }
        return -1;
    }

    static boolean hasSymbol(byte[] b, int p, int end) {
        while (p < end) {
            if ((b[p] & 0xFF) == 0x91) return true;
            int n = segmentLength(b, p, end);
            if (n <= 0) return false;
            p += n;
        }
        return false;
    }

    private static int segmentLength(byte[] b, int p, int end) {
        int seg = b[p] & 0xFF;
        if (seg == 0x91) return p + 1 < end ? 2 + ((b[p + 1] & 0xFF) + 1 & ~1) : -1;
        if ((seg & 0xE0) == 0x20) { // logical: format in bits 0-1
            return switch (seg & 0x03) { case 0 -> 2; case 1 -> 4; case 2 -> 6; default -> -1; };
        }
        if ((seg & 0xE0) == 0x00) return (seg & 0x10) != 0 && p + 1 < end ? 2 + ((b[p + 1] & 0xFF) + 1 & ~1) : 2; // port
        if (seg == 0x80 && p + 1 < end) return 2 + 2 * (b[p + 1] & 0xFF); // simple data segment
        return -1;
    }

    private void remember(long key, int service, int cls, int route) {
        int i = lookup(key);
        if (i < 0) { i = pendNext; pendNext = (pendNext + 1) % PENDING; }
        pendKey[i] = key;
        pendSvc[i] = service;
        pendCls[i] = cls;
        pendRoute[i] = route;
    }

    private int lookup(long key) {
        if (key == Long.MIN_VALUE) return -1;
        for (int i = 0; i < PENDING; i++) if (pendKey[i] == key) return i;
        return -1;
    }


    long seenDropped() { return seen.refused(); }

    private static long hash(byte[] b, int off, int len) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < len; i++) h = (h ^ (b[off + i] & 0xFF)) * 0x100000001B3L;
        return h;
    }

    static String hex32(long v) {
        char[] c = {'0', 'x', 0, 0, 0, 0, 0, 0, 0, 0};
        for (int i = 0; i < 8; i++) c[2 + i] = Character.forDigit((int) (v >>> (28 - 4 * i)) & 0xF, 16);
        return new String(c);
    }

    static int u16(byte[] b, int off) { return (b[off] & 0xFF) | ((b[off + 1] & 0xFF) << 8); }

    static long u32(byte[] b, int off) { return (u16(b, off) | ((long) u16(b, off + 2) << 16)) & 0xFFFF_FFFFL; }

    static long u64(byte[] b, int off) { return u32(b, off) | (u32(b, off + 4) << 32); }
}
