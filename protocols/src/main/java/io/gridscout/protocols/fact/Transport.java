package io.gridscout.protocols.fact;

public enum Transport {
    TCP, UDP, ETHERNET;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
