package io.gridscout.protocols.flow;

import io.gridscout.protocols.fact.Endpoint;
import io.gridscout.protocols.fact.FactSink;
import io.gridscout.protocols.fact.OperationKind;
import io.gridscout.protocols.fact.Transport;

/**
 * What a decoder may know and do about the session it decodes. Implemented by the flow table's flow;
 * counters live here so a repeated poll costs an array increment, not a fact.
 */
public interface Session {
    Endpoint endpoint(int side);

    Transport transport();

    /** 0 or 1 when known (SYN seen or set by a decoder), else -1. */
    int serverSide();

    /** The decoder learned from the protocol which side serves (e.g. a Modbus response, DNP3 DIR bit). */
    void serverSide(int side);

    default int clientSide() {
        int s = serverSide();
        return s < 0 ? -1 : 1 - s;
    }

    /** Where identity, service and detail facts go. */
    FactSink facts();

    /** Counts one operation requested of the server (name and kind are constants of the decoder). */
    void operation(int code, String name, OperationKind kind);

    /** Counts a protocol detail of the conversation (e.g. an exception code, "unsolicited"). Keys are constants. */
    void detail(String name, String value);

    /** Counts bytes that did not parse and emits a Malformed fact (rate-limited per session). */
    void malformed(int side, String reason);

    /** Name of the protocol this session was recognised as. */
    String protocol();

    /**
     * Names the protocol once the decoder knows it better than detection did (ISO-on-TCP carries MMS or S7comm;
     * only the first data unit tells). Conversation counters are filed under this name. First call wins.
     */
    default void protocol(String name) {}

    /**
     * The decoder has learned all this flow can tell (a DNS transaction answered): the flow may leave the table
     * now instead of holding a slot until its idle timeout. Datagram flows only; a later datagram starts a new flow.
     */
    default void complete() {}
}
