package io.gridscout.protocols.fact;

public enum Transport {
    TCP, UDP, ETHERNET;

    // computed once: label() is asked for every new flow side (HostSeen), so not lower-cased each time
    private final String label = name().toLowerCase(java.util.Locale.ROOT);

    public String label() {
        return label;
    }
}
