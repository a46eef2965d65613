package io.gridscout.protocols.fact;

/** What an operation does to the device it is sent to; drives evidence rules (who may write/program). */
public enum OperationKind {
    READ, WRITE, PROGRAM, CONTROL, DIAGNOSTIC, OTHER;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
