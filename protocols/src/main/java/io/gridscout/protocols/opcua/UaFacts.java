package io.gridscout.protocols.opcua;

import io.gridscout.protocols.fact.Confidence;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.flow.Session;

import java.util.HashSet;
import java.util.Set;

/** Emits OPC UA facts of one session once per distinct value (bounded memory, overflow counted). */
final class UaFacts {
    static final int MAX_REMEMBERED = 512;
    static final int MAX_VALUE = 256;
    static final String ROLE_CLIENT = "client";
    static final String ROLE_SERVER = "server";

    private final Session session;
    private final Set<String> seen = new HashSet<>();
    private final Set<Integer> certificates = new HashSet<>();
    private long dropped;
    private boolean rolesSent;

    UaFacts(Session session) {
        this.session = session;
    }

    Session session() {
        return session;
    }

    /** The protocol showed which side serves: declare it and emit both roles once. */
    void roles(int serverSide, long t) {
        if (serverSide < 0) return;
        if (session.serverSide() < 0) session.serverSide(serverSide);
        if (rolesSent) return;
        rolesSent = true;
        int s = session.serverSide() >= 0 ? session.serverSide() : serverSide;
        session.facts().accept(new Fact.Service(t, session.endpoint(s), OpcUaSpec.NAME, session.transport(), ROLE_SERVER));
        session.facts().accept(new Fact.Service(t, session.endpoint(1 - s), OpcUaSpec.NAME, session.transport(), ROLE_CLIENT));
    }

    void identity(int side, String name, String value, String source, double confidence, long t) {
        if (value == null || value.isBlank()) return;
        value = clip(value);
        if (!first(side + "|i|" + name + "|" + source + "|" + value)) return;
        session.facts().accept(new Fact.Identity(t, session.endpoint(side), name, value, source, confidence));
    }

    void serverDetail(int side, String name, Object value, long t) {
        if (value == null) return;
        if (value instanceof String s) {
            if (s.isBlank()) return;
            value = clip(s);
        }
        if (!first(side + "|d|" + name + "|" + value)) return;
        session.facts().accept(new Fact.ServiceDetail(t, session.endpoint(side), OpcUaSpec.NAME, session.transport(),
                ROLE_SERVER, name, value));
    }

    /** Certificate facts about the side that presented it; each distinct certificate is parsed once. */
    void certificate(int side, byte[] b, int off, int len, long t) {
        if (len <= 0) return;
        int h = side;
        for (int i = off, end = off + Math.min(len, 512); i < end; i++) h = 31 * h + b[i];
        h = 31 * h + len;
        if (certificates.size() >= 16 || !certificates.add(h)) return;
        UaCertificate c = UaCertificate.parse(b, off, len);
        if (c == null) {
            session.malformed(side, "bad certificate");
            return;
        }
        String src = "opcua.certificate";
        double conf = Confidence.STATED;
        identity(side, "certificateSubject", c.subject(), src, conf, t);
        identity(side, "certificateIssuer", c.issuer(), src, conf, t);
        identity(side, "certificateThumbprint", c.thumbprint(), src, conf, t);
        identity(side, "certificateNotAfter", java.time.Instant.ofEpochMilli(c.notAfterMillis()).toString(), src, conf, t);
        identity(side, "applicationUri", c.applicationUri(), src, conf, t);
        if (c.selfSigned()) identity(side, "certificateSelfSigned", "true", src, conf, t);
        if (t > 0 && c.expiredAt(t / 1_000_000L)) identity(side, "certificateExpired", "true", src, conf, t);
    }

    private boolean first(String key) {
        if (seen.contains(key)) return false;
        if (seen.size() >= MAX_REMEMBERED) {
            dropped++; // emit anyway: a repeated fact is harmless, unbounded memory is not
            return true;
        }
        seen.add(key);
        return true;
    }

    long dropped() {
        return dropped;
    }

    static String clip(String s) {
        return s.length() > MAX_VALUE ? s.substring(0, MAX_VALUE) : s;
    }
}
