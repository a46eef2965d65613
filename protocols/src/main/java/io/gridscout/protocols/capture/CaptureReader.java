package io.gridscout.protocols.capture;

import java.io.Closeable;
import java.io.IOException;

/**
 * Streams packets out of a capture file in constant memory. The current packet's bytes are a view into
 * a buffer owned by the reader ({@link #data()} from {@link #offset()} for {@link #capturedLength()}),
 * valid until the next call to {@link #next()}.
 *
 * <p>Damage (a truncated record, a bogus block length) ends the stream: {@link #next()} returns false and
 * {@link #damage()} describes what and where. Everything read before it stays valid.
 */
public interface CaptureReader extends Closeable {
    /** Advances to the next packet. False at the end of the capture or at damage. */
    boolean next() throws IOException;

    byte[] data();

    int offset();

    int capturedLength();

    /** Length of the packet on the wire (may exceed the captured length). */
    int originalLength();

    /** Packet time in nanoseconds since the epoch. */
    long timestampNanos();

    /** Link-layer type of the current packet (LINKTYPE_* numbers: 1 Ethernet, 113 SLL, 276 SLL2, 101 raw, 0 null). */
    int linkType();

    /** Interface the current packet was captured on (pcapng IDB index within its section; 0 for pcap). */
    default int interfaceId() {
        return 0;
    }

    /** "pcap" or "pcapng". */
    String format();

    /** Bytes consumed from the (decompressed) input so far; used for progress and damage offsets. */
    long position();

    /** Null when the capture ended cleanly; otherwise one line saying what was wrong and at which offset. */
    String damage();

    /**
     * From now on, takes every new buffer from {@code recycler} and retires each one it is done with there, instead
     * of refilling one buffer in place: a packet's bytes then stay valid after {@link #next()}, until the recycler
     * hands the array out again.
     */
    void recycleBuffers(BufferRecycler recycler);
}
