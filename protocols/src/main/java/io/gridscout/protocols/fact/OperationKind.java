package io.gridscout.protocols.fact;

/** What an operation does to the device it is sent to; drives evidence rules (who may write/program). */
public enum OperationKind {
    READ, WRITE, PROGRAM, CONTROL, DIAGNOSTIC, OTHER;

    // computed once: the inventory asks for it for every operation of every conversation it merges
    private final String label = name().toLowerCase(java.util.Locale.ROOT);

    public String label() {
        return label;
    }
}
