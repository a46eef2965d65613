package io.gridscout.protocols.capture;

import java.io.IOException;

/** The input is not a capture file this reader understands (wrong magic, unsupported version). */
public class CaptureFormatException extends IOException {
    public CaptureFormatException(String message) {
        super(message);
    }
}
