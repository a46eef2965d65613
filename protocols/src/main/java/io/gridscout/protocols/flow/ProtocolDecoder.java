package io.gridscout.protocols.flow;

/**
 * A protocol decoder bound to one session (a TCP connection, a UDP 5-tuple or an L2 conversation).
 * It is fed bytes and must never throw: bad bytes become a {@code Fact.Malformed} via
 * {@link Session#malformed(int, String)} and the decoder resynchronises.
 *
 * <p>Sides are 0 and 1 as given by {@link Session#endpoint(int)}; which one is the server is
 * {@link Session#serverSide()} (from the TCP handshake) or what the decoder sets from the protocol's framing.
 */
public interface ProtocolDecoder {
    /** TCP: the next in-order bytes of one direction (any segmentation); UDP: exactly one datagram. */
    void onData(int side, byte[] buf, int off, int len, long timeNanos);

    /** Bytes of this direction were lost (capture gap, buffer cap). Drop partial state and resync. */
    default void onGap(int side, long timeNanos) {}

    /** The session ended (FIN/RST, idle eviction or end of capture). */
    default void onClose(long timeNanos) {}
}
