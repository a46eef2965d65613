package io.gridscout.protocols.fact;

/**
 * One side of a conversation as the wire showed it: the Ethernet source MAC of its frames (or
 * {@link Mac#NONE}), its IP address (null for layer-2-only protocols such as GOOSE) and port (0 if none).
 * Created once per flow side, never per packet.
 */
public record Endpoint(long mac, IpAddr ip, int port) {
    public Endpoint withMac(long m) {
        return new Endpoint(m, ip, port);
    }

    @Override
    public String toString() {
        return (ip != null ? ip.toString() : Mac.format(mac)) + (port != 0 ? ":" + port : "");
    }
}
