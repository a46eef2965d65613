package io.gridscout.protocols.cotp;

/** A protocol above COTP: gets each complete transport service data unit (all DT TPDUs up to EOT) of one side. */
public interface TsduHandler {
    void onTsdu(int side, byte[] b, int off, int len, long timeNanos);
}
