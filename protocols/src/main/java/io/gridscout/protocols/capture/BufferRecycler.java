package io.gridscout.protocols.capture;

/**
 * Lets the frames a reader hands out outlive {@link CaptureReader#next()}: a reader given one never writes into an
 * array again once it has retired it, and takes each new array from it. A consumer that passes frames to other
 * threads by reference (no copy) reuses a retired array only once those threads are done with its frames.
 */
public interface BufferRecycler {
    /** An array of at least {@code minLength} bytes for the reader to fill next. */
    byte[] fresh(int minLength);

    /** The reader is done with {@code buf}: frames already handed out from it stay as they are. */
    void retire(byte[] buf);
}
