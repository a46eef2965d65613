package io.gridscout.protocols.flow;

import io.gridscout.protocols.fact.Transport;

/**
 * What the flow table needs to know about one protocol: how to recognise it from content (ports are
 * only a hint that lets a weaker content check pass) and how to make a decoder for a session.
 */
public interface ProtocolSpec {
    /** Lower-case protocol name used in facts and the inventory JSON, e.g. "modbus". */
    String name();

    boolean supports(Transport transport);

    /** Registered port (e.g. 502); used as a hint and to order candidates, never as proof. */
    boolean isWellKnownPort(int port);

    /**
     * Does this first payload of a session look like this protocol? {@code portHint} is true when either
     * port is the protocol's well-known port. Must not throw on any input.
     */
    boolean matches(byte[] buf, int off, int len, boolean portHint, Transport transport);

    ProtocolDecoder newDecoder(Session session);
}
