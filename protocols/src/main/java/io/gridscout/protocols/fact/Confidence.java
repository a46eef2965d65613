package io.gridscout.protocols.fact;

/** Confidence levels used for attributes; the protocol saying it about itself is the highest. */
public final class Confidence {
    /** The device stated it about itself in a protocol (MEI, DNP3 group 0, BuildInfo). */
    public static final double STATED = 0.95;
    /** Another party stated it (e.g. a client's Hello names the server's host). */
    public static final double REPORTED = 0.8;
    /** Derived from a registry lookup such as the MAC OUI. */
    public static final double DERIVED = 0.6;
    /** A guess from weak evidence (ports, traffic shape). */
    public static final double GUESS = 0.3;

    private Confidence() {}
}
