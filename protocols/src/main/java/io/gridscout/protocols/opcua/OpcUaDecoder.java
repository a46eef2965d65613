package io.gridscout.protocols.opcua;

import io.gridscout.protocols.fact.Confidence;
import io.gridscout.protocols.fact.OperationKind;
import io.gridscout.protocols.flow.ProtocolDecoder;
import io.gridscout.protocols.flow.Session;

/**
 * OPC UA TCP (UACP) decoder for one connection: splits each direction into chunks (bounded buffer, resync on
 * garbage or gaps), reassembles chunked messages only for the services it interprets, counts every request
 * as an operation and learns identity from Hello, OpenSecureChannel, GetEndpoints/FindServers, CreateSession,
 * ActivateSession and Read of BuildInfo. Encrypted (SignAndEncrypt) messages are only counted.
 */
public final class OpcUaDecoder implements ProtocolDecoder {
    /** Largest chunk buffered across segments; bigger chunks are skipped (and counted). */
    static final int CHUNK_BUFFER_CAP = 256 * 1024;
    /** Largest reassembled message body kept for interpretation. */
    static final int MESSAGE_CAP = 1024 * 1024;
    static final int MAX_READ_NODES = 256;

    static final int MODE_UNKNOWN = 0, MODE_NONE = 1, MODE_SIGN = 2, MODE_ENCRYPT = 3;
    private static final String[] MODE_NAMES = {"", "None", "Sign", "SignAndEncrypt"};
    private static final byte[] EMPTY = new byte[0];

    private final Session session;
    private final UaFacts facts;
    private final UaBodies bodies;
    private final PendingRequests pending = new PendingRequests();
    private final Direction[] dirs = {new Direction(), new Direction()};
    private final int[] scratch = new int[MAX_READ_NODES];

    /** Security of the current secure channel of this connection (one channel per connection at a time). */
    private String policy;
    /** Services a client may use on a policy-None channel to discover secured endpoints (OPC UA Part 4, 5.4/5.5). */
    static final java.util.Set<String> DISCOVERY = java.util.Set.of("FindServers", "FindServersOnNetwork", "GetEndpoints",
            "RegisterServer", "RegisterServer2", "OpenSecureChannel", "CloseSecureChannel");
    private int mode = MODE_UNKNOWN;
    private int signatureLength;
    private boolean helloSeen;

    /** One direction's stream state. */
    private static final class Direction {
        byte[] chunk = EMPTY;
        int chunkLen;
        long skip;
        boolean lost;          // bytes were lost: scan for the next plausible header
        boolean opnSeen;
        // message being reassembled from C chunks
        boolean msgActive, msgKeep, msgPlain;
        int msgType;
        int[] msgNodes;
        byte[] msg = EMPTY;
        int msgLen;

        void resetMessage() {
            msgActive = msgKeep = msgPlain = false;
            msgType = 0;
            msgNodes = null;
            msgLen = 0;
            if (msg.length > 64 * 1024) msg = EMPTY; // give big buffers back
        }
    }

    public OpcUaDecoder(Session session) {
        this.session = session;
        this.facts = new UaFacts(session);
        this.bodies = new UaBodies(facts);
    }

    @Override
    public void onData(int side, byte[] buf, int off, int len, long timeNanos) {
        if (side < 0 || side > 1 || buf == null || len <= 0 || off < 0 || off > buf.length - len) return;
        try {
            feed(side, buf, off, off + len, timeNanos);
        } catch (RuntimeException e) {
            // last line of defence: a bug must not take the pipeline down
            session.malformed(side, "opcua decoder error");
            onGap(side, timeNanos);
        }
    }

    @Override
    public void onGap(int side, long timeNanos) {
        if (side < 0 || side > 1) return;
        Direction d = dirs[side];
        d.chunkLen = 0;
        d.skip = 0;
        d.lost = true;
        d.resetMessage();
    }

    private void feed(int side, byte[] b, int p, int end, long t) {
        Direction d = dirs[side];
        while (p < end) {
            if (d.skip > 0) {
                int n = (int) Math.min(d.skip, end - p);
                d.skip -= n;
                p += n;
                continue;
            }
            if (d.chunkLen > 0) { // complete a chunk started in an earlier segment
                if (d.chunkLen < 8) {
                    int n = Math.min(8 - d.chunkLen, end - p);
                    append(d, b, p, n);
                    p += n;
                    if (d.chunkLen < 8) return;
                    if (UaChunk.plausible(d.chunk, 0) < 0) { // the few bytes held were not a header after all
                        session.malformed(side, "bad chunk header");
                        d.chunkLen = 0;
                        d.lost = true;
                        continue;
                    }
                }
                int size = UaChunk.plausible(d.chunk, 0);
                int n = Math.min(size - d.chunkLen, end - p);
                append(d, b, p, n);
                p += n;
                if (d.chunkLen == size) {
                    d.chunkLen = 0;
                    chunk(side, d.chunk, 0, size, t);
                }
                continue;
            }
            int avail = end - p;
            if (d.lost) {
                int q = resync(b, p, end);
                if (q < 0) return; // a header split across segments is lost too; the next one resyncs
                p = q;
                d.lost = false;
                continue;
            }
            if (avail < 8) {
                append(d, b, p, avail);
                return;
            }
            int size = UaChunk.plausible(b, p);
            if (size < 0) {
                session.malformed(side, "bad chunk header");
                d.lost = true;
                p++;
                continue;
            }
            if (size <= avail) {
                chunk(side, b, p, size, t);
                p += size;
            } else if (size <= CHUNK_BUFFER_CAP) {
                append(d, b, p, avail);
                return;
            } else { // too big to hold: drop this chunk and any message it belongs to
                session.detail("oversizedChunk", "1");
                d.resetMessage();
                d.skip = size - avail;
                return;
            }
        }
    }

    /** Position of the next plausible chunk header in [p, end-8], or -1. */
    private static int resync(byte[] b, int p, int end) {
        for (int q = p; q + 8 <= end; q++) {
            if (UaChunk.plausible(b, q) > 0) return q;
        }
        return -1;
    }

    private static void append(Direction d, byte[] b, int p, int n) {
        if (d.chunkLen + n > d.chunk.length) {
            int cap = Math.max(d.chunkLen + n, Math.max(1024, Math.min(CHUNK_BUFFER_CAP, d.chunk.length * 2)));
            d.chunk = java.util.Arrays.copyOf(d.chunk, cap);
        }
        System.arraycopy(b, p, d.chunk, d.chunkLen, n);
        d.chunkLen += n;
    }

    /** One complete chunk at b[p, p+size). */
    void chunk(int side, byte[] b, int p, int size, long t) {
        switch (UaChunk.type(b, p)) {
            case UaChunk.HEL -> hello(side, b, p, p + size, t);
            case UaChunk.ACK -> acknowledge(side, b, p, t);
            case UaChunk.RHE -> facts.roles(side, t);
            case UaChunk.ERR -> error(side, b, p, p + size);
            case UaChunk.OPN -> open(side, b, p, p + size, t);
            case UaChunk.MSG, UaChunk.CLO -> symmetric(side, b, p, p + size, t);
            default -> session.malformed(side, "bad chunk header");
        }
    }

    private void hello(int side, byte[] b, int p, int end, long t) {
        facts.roles(1 - side, t);
        if (!helloSeen) {
            helloSeen = true;
            session.detail("helloBufferSizes", UaBytes.u32(b, p + 12) + "/" + UaBytes.u32(b, p + 16));
        }
        String url = UaBytes.string(b, p + 28, end, 4096);
        if (url == null) {
            session.malformed(side, "hello without endpoint url");
            return;
        }
        facts.identity(1 - side, "endpointUrl", url, "opcua.hello", Confidence.REPORTED, t);
        String host = host(url);
        if (host != null) facts.identity(1 - side, "hostname", host, "opcua.hello", Confidence.REPORTED, t);
    }

    /** Host name of "opc.tcp://host:port/path" when it is a name (not an IP literal, not localhost). */
    static String host(String url) {
        int s = url.indexOf("://");
        if (s < 0) return null;
        s += 3;
        int e = s;
        boolean letter = false;
        if (e < url.length() && url.charAt(e) == '[') return null; // IPv6 literal
        while (e < url.length()) {
            char c = url.charAt(e);
            if (c == ':' || c == '/') break;
            if (Character.isLetter(c)) letter = true;
            e++;
        }
        String h = url.substring(s, e);
        if (!letter || h.equalsIgnoreCase("localhost")) return null;
        return h;
    }

    private void acknowledge(int side, byte[] b, int p, long t) {
        facts.roles(side, t);
        session.detail("ackBufferSizes", UaBytes.u32(b, p + 12) + "/" + UaBytes.u32(b, p + 16));
    }

    private void error(int side, byte[] b, int p, int end) {
        long code = UaBytes.u32(b, p + 8);
        String reason = UaBytes.string(b, p + 12, end, 4096);
        String hex = Long.toHexString(code | 0x1_0000_0000L).substring(1).toUpperCase(java.util.Locale.ROOT);
        session.detail("error", "0x" + hex + (reason == null ? "" : " " + UaFacts.clip(reason)));
    }

    /** OPN: asymmetric security header (policy, sender certificate, receiver thumbprint), then the body. */
    private void open(int side, byte[] b, int p, int end, long t) {
        Direction d = dirs[side];
        int q = p + 12;
        String uri = UaBytes.string(b, q, end, 256);
        int certAt = UaBytes.skipBytes(b, q, end);
        int thumbAt = certAt < 0 ? -1 : UaBytes.skipBytes(b, certAt, end);
        int seqAt = thumbAt < 0 ? -1 : UaBytes.skipBytes(b, thumbAt, end);
        if (uri == null || seqAt < 0) {
            session.malformed(side, "bad asymmetric security header");
            return;
        }
        boolean none = uri.endsWith("#None");
        int bodyAt = seqAt + 8;
        long type = none && b[p + 3] == 'F' ? UaBytes.ns0Numeric(b, bodyAt, end) : -1;
        boolean request;
        if (type == UaService.OPEN_SECURE_CHANNEL) request = true;
        else if (type == UaService.OPEN_SECURE_CHANNEL_RESPONSE) request = false;
        else if (session.serverSide() >= 0) request = side != session.serverSide();
        else request = !dirs[1 - side].opnSeen; // the client opens the channel
        d.opnSeen = true;
        int server = request ? 1 - side : side;
        facts.roles(server, t);
        if (request) {
            session.operation(UaService.OPEN_SECURE_CHANNEL, "OpenSecureChannel", OperationKind.OTHER);
            session.detail("channelPolicy", uri);
        }
        facts.serverDetail(server, "securityPolicies", uri, t);
        if (!uri.equals(policy)) {
            policy = uri;
            mode = none ? MODE_NONE : MODE_UNKNOWN;
            signatureLength = signatureLength(uri);
        }
        int certLen = UaBytes.i32(b, certAt);
        if (certLen > 0) facts.certificate(side, b, certAt + 4, certLen, t);
        if (none && type > 0) {
            bodies.openSecureChannel(side, request ? side : 1 - side, b, bodyAt, end - bodyAt, t);
        }
    }

    /** Symmetric signature length of a policy (HMAC-SHA1 = 20, HMAC-SHA256 = 32); 0 if unknown. */
    static int signatureLength(String policyUri) {
        String p = UaBodies.shortPolicy(policyUri);
        return switch (p) {
            case "Basic128Rsa15", "Basic256" -> 20;
            case "Basic256Sha256", "Aes128_Sha256_RsaOaep", "Aes256_Sha256_RsaPss" -> 32;
            default -> 0;
        };
    }

    /** MSG/CLO: secure channel id, token id, then (unless encrypted) sequence header and body. */
    private void symmetric(int side, byte[] b, int p, int end, long t) {
        Direction d = dirs[side];
        byte chunkType = b[p + 3];
        if (chunkType == 'A') {
            d.resetMessage();
            session.detail("aborted", "1");
            return;
        }
        int seqAt = p + 16;
        boolean first = !d.msgActive;
        if (first) {
            d.msgPlain = plain(side, b, seqAt + 8, end, t);
            if (!d.msgPlain) {
                if (chunkType == 'F') session.detail("encrypted", "1");
                else d.msgActive = true;
                return;
            }
        } else if (!d.msgPlain) {
            if (chunkType == 'F') {
                session.detail("encrypted", "1");
                d.resetMessage();
            }
            return;
        }
        int bodyAt = seqAt + 8;
        int bodyEnd = end - (mode == MODE_SIGN ? signatureLength : 0);
        if (bodyEnd < bodyAt) {
            session.malformed(side, "short symmetric chunk");
            d.resetMessage();
            return;
        }
        if (first) {
            long type = UaBytes.ns0Numeric(b, bodyAt, bodyEnd);
            int[] nodes = start(side, type, b, bodyAt, bodyEnd, t);
            if (chunkType == 'F') {
                finish(side, (int) type, nodes, b, bodyAt, bodyEnd, t);
                return;
            }
            d.msgActive = true;
            d.msgType = (int) type;
            d.msgNodes = nodes;
            d.msgKeep = interesting((int) type, nodes);
            d.msgLen = 0;
        }
        if (d.msgKeep) {
            int n = bodyEnd - bodyAt;
            if (d.msgLen + n > MESSAGE_CAP) {
                session.detail("messageTooLarge", "1");
                d.msgKeep = false;
            } else {
                if (d.msgLen + n > d.msg.length) d.msg = java.util.Arrays.copyOf(d.msg, Math.max(d.msgLen + n, d.msg.length * 2));
                System.arraycopy(b, bodyAt, d.msg, d.msgLen, n);
                d.msgLen += n;
            }
        }
        if (chunkType == 'F') {
            if (d.msgKeep) finish(side, d.msgType, d.msgNodes, d.msg, 0, d.msgLen, t);
            else if (d.msgType == UaService.CALL) session.operation(UaService.CALL, "Call", OperationKind.CONTROL);
            d.resetMessage();
        }
    }

    /**
     * Is the body of this first chunk readable? Under policy None always; otherwise it is plain (Sign) only if a
     * known service type NodeId sits where the body starts, which random ciphertext practically never shows.
     */
    private boolean plain(int side, byte[] b, int bodyAt, int end, long t) {
        if (mode == MODE_NONE || mode == MODE_SIGN) return true;
        if (mode == MODE_ENCRYPT) return false;
        boolean looksPlain = UaService.known(UaBytes.ns0Numeric(b, bodyAt, end));
        int server = session.serverSide();
        if (policy == null) { // first seen mid-stream: decide per message (None and Sign look alike)
            if (!looksPlain && server >= 0) facts.serverDetail(server, "securityModes", MODE_NAMES[MODE_ENCRYPT], t);
            return looksPlain;
        }
        mode = looksPlain ? MODE_SIGN : MODE_ENCRYPT;
        if (server >= 0) facts.serverDetail(server, "securityModes", MODE_NAMES[mode], t);
        return looksPlain;
    }

    /** First chunk of a plain message: roles, operation count; returns the nodes read for a pending Read. */
    private int[] start(int side, long type, byte[] b, int bodyAt, int bodyEnd, long t) {
        UaService req = UaService.byRequest(type);
        if (req != null) {
            facts.roles(1 - side, t);
            if (req.requestId() != UaService.CALL) session.operation(req.requestId(), req.name(), req.kind());
            // a service beyond discovery on a channel of policy None: sessions (not only GetEndpoints) run unsecured
            if (mode == MODE_NONE && !DISCOVERY.contains(req.name())) facts.serverDetail(1 - side, "servicesOverNone", req.name(), t);
            return null;
        }
        if (type == UaService.SERVICE_FAULT || UaService.byResponse(type) != null) {
            facts.roles(side, t);
            if (type == UaService.SERVICE_FAULT) session.detail("serviceFault", "1");
            if (type == UaService.READ_RESPONSE) {
                int q = UaBytes.skipNodeId(b, bodyAt, bodyEnd);
                if (q >= 0 && q + 12 <= bodyEnd) return pending.take(UaBytes.u32(b, q + 8), UaService.READ);
            }
            return null;
        }
        if (mode == MODE_NONE) session.malformed(side, "unknown service type");
        return null;
    }

    private static boolean interesting(int type, int[] nodes) {
        return switch (type) {
            case UaService.GET_ENDPOINTS_RESPONSE, UaService.FIND_SERVERS_RESPONSE, UaService.CREATE_SESSION,
                    UaService.CREATE_SESSION_RESPONSE, UaService.ACTIVATE_SESSION, UaService.READ, UaService.CALL -> true;
            case UaService.READ_RESPONSE -> nodes != null;
            default -> false;
        };
    }

    /** A complete plain message body (starting with its type NodeId). */
    private void finish(int side, int type, int[] nodes, byte[] b, int off, int end, long t) {
        int len = end - off;
        switch (type) {
            case UaService.GET_ENDPOINTS_RESPONSE -> bodies.getEndpoints(side, b, off, len, t);
            case UaService.FIND_SERVERS_RESPONSE -> bodies.findServers(side, b, off, len, t);
            case UaService.CREATE_SESSION -> bodies.createSessionRequest(side, b, off, len, t);
            case UaService.CREATE_SESSION_RESPONSE -> bodies.createSessionResponse(side, b, off, len, t);
            case UaService.ACTIVATE_SESSION -> bodies.activateSession(side, b, off, len, t);
            case UaService.READ -> readRequest(side, b, off, end);
            case UaService.READ_RESPONSE -> {
                if (nodes != null) bodies.readResponse(side, nodes, b, off, len, t);
            }
            case UaService.CALL -> session.operation(UaService.CALL, "Call", bodies.call(side, b, off, len));
            default -> { }
        }
    }

    /**
     * ReadRequest walked by hand (it is the most frequent request; no objects unless it reads BuildInfo):
     * remembers handle -> nodes when any node read is a Server_ServerStatus/BuildInfo value.
     */
    private void readRequest(int side, byte[] b, int p, int end) {
        p = UaBytes.skipNodeId(b, p, end);                     // type id
        p = p < 0 ? -1 : UaBytes.skipNodeId(b, p, end);        // RequestHeader.AuthenticationToken
        if (p < 0 || p + 16 > end) {
            session.malformed(side, "short read request");
            return;
        }
        long handle = UaBytes.u32(b, p + 8);
        p = UaBytes.skipBytes(b, p + 16, end);                 // after ReturnDiagnostics: AuditEntryId
        p = p < 0 || p + 4 > end ? -1 : UaBytes.skipExtensionObject(b, p + 4, end); // TimeoutHint, AdditionalHeader
        if (p < 0 || p + 16 > end) {
            session.malformed(side, "short read request");
            return;
        }
        int count = UaBytes.i32(b, p + 12);                    // after MaxAge, TimestampsToReturn
        p += 16;
        if (count <= 0) return;
        int n = Math.min(count, MAX_READ_NODES);
        boolean any = false;
        for (int i = 0; i < n; i++) {
            long id = UaBytes.ns0Numeric(b, p, end);
            p = UaBytes.skipNodeId(b, p, end);
            if (p < 0 || p + 4 > end) {
                session.malformed(side, "short read request");
                return;
            }
            long attribute = UaBytes.u32(b, p);
            p = UaBytes.skipBytes(b, p + 4, end);              // IndexRange
            p = p < 0 || p + 2 > end ? -1 : UaBytes.skipBytes(b, p + 2, end); // DataEncoding ns + name
            if (p < 0) {
                session.malformed(side, "short read request");
                return;
            }
            boolean wanted = attribute == UaBodies.ATTRIBUTE_VALUE && id > 0 && UaBodies.isBuildInfoNode((int) id);
            scratch[i] = wanted ? (int) id : -1;
            any |= wanted;
        }
        if (any) {
            if (pending.put(handle, UaService.READ, java.util.Arrays.copyOf(scratch, n))) session.detail("pendingOverflow", "1");
        }
    }

    PendingRequests pending() {
        return pending;
    }

    UaBodies bodies() {
        return bodies;
    }

    int mode() {
        return mode;
    }
}
