package io.gridscout.protocols.util;

import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.flow.Session;

/**
 * Emits a decoder's {@link Fact.Service} role facts once per session, side and role. Roles are the small fixed
 * set given at construction (a role outside it is emitted every time, so name them all).
 */
public final class ServiceRoles {
    private final Session session;
    private final String protocol;
    private final String[] roles;
    private final long[] sent = new long[2]; // per side: bit i set once roles[i] was emitted

    public ServiceRoles(Session session, String protocol, String... roles) {
        if (roles.length > 64) throw new IllegalArgumentException("too many roles");
        this.session = session;
        this.protocol = protocol;
        this.roles = roles.clone();
    }

    /** {@code side} answers: declare it the server and emit its "server" role once. */
    public void server(int side, long t) {
        session.serverSide(side);
        emit(side, "server", t);
    }

    /** {@code side} asks: the other side is the server; emit this side's "client" role once. */
    public void client(int side, long t) {
        session.serverSide(1 - side);
        emit(side, "client", t);
    }

    /** Emits {@code role} for {@code side} unless already emitted; does not touch the server side. */
    public void emit(int side, String role, long t) {
        int bit = -1;
        for (int i = 0; i < roles.length; i++) if (roles[i].equals(role)) { bit = i; break; }
        if (bit >= 0) {
            if ((sent[side] & (1L << bit)) != 0) return;
            sent[side] |= 1L << bit;
        }
        session.facts().accept(new Fact.Service(t, session.endpoint(side), protocol, session.transport(), role));
    }
}
