package io.gridscout.agent.capture;

/** Live capture cannot start (no libpcap, no CAP_NET_RAW, no such interface); the message is one line for the operator. */
public final class CaptureUnavailableException extends Exception {
    public CaptureUnavailableException(String message) {
        super(message);
    }
}
