package io.gridscout.protocols.cotp;

import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.flow.Session;

/**
 * What the protocols above COTP share about one connection: the session, which side is the server (COTP CR/CC,
 * else the upper protocol's request/response direction) and the TSAPs of the connection request. Service facts are
 * emitted under the upper protocol's own name ("mms", "s7comm"), since one port-102 session carries either.
 */
public final class IsoContext {
    private final Session session;
    /** Bit (protocol index * 2 + side) set once that role fact was sent. */
    private int rolesSent;
    private final String[] protocols = new String[4];
    private int protocolCount;
    /** Called TSAP of the CR (the server's), up to 2 bytes kept as an int; -1 when not seen. */
    int calledTsap = -1;
    int calledTsapLen;

    public IsoContext(Session session) {
        this.session = session;
    }

    /** The upper protocol is known: conversation counters are filed under it. */
    public void protocol(String name) {
        session.protocol(name);
    }

    public Session session() {
        return session;
    }

    /** Called (server) TSAP from the COTP connection request, -1 if not seen or longer than 2 bytes. */
    public int calledTsap() {
        return calledTsapLen == 2 ? calledTsap : -1;
    }

    /** This side sent something only a client sends. */
    public void learnClient(int side) {
        if (session.serverSide() < 0) session.serverSide(1 - side);
    }

    /** This side sent something only a server sends. */
    public void learnServer(int side) {
        if (session.serverSide() < 0) session.serverSide(side);
    }

    /** Emits the client/server role facts of {@code protocol} once the server side is known; cheap when done. */
    public void roles(String protocol, long t) {
        int server = session.serverSide();
        if (server < 0) return;
        int idx = index(protocol);
        if (idx < 0) return;
        for (int s = 0; s < 2; s++) {
            int bit = 1 << (idx * 2 + s);
            if ((rolesSent & bit) == 0) {
                rolesSent |= bit;
                session.facts().accept(new Fact.Service(t, session.endpoint(s), protocol, session.transport(),
                        s == server ? "server" : "client"));
            }
        }
    }

    /** True once roles of this protocol were reported (so per-protocol pending facts can be flushed). */
    public boolean rolesKnown(String protocol) {
        int idx = index(protocol);
        return idx >= 0 && (rolesSent & (3 << (idx * 2))) == (3 << (idx * 2));
    }

    private int index(String protocol) {
        for (int i = 0; i < protocolCount; i++) if (protocols[i] == protocol) return i; // constants: identity compare
        if (protocolCount == protocols.length) return -1;
        protocols[protocolCount] = protocol;
        return protocolCount++;
    }
}
