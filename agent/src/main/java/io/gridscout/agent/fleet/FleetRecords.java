package io.gridscout.agent.fleet;

import java.nio.charset.StandardCharsets;

/**
 * The record layout on the fleet topics. Keys: assets {@code site/assetId}, findings {@code site/ruleId/n}, events
 * {@code site} (so one site's events stay in order on one partition), communications
 * {@code site/client/server/protocol/transport/port} (port 0 when none). Headers on every record: {@link #SOURCE}
 * (the outbox that numbered it), {@link #SEQ} (its sequence number, decimal), {@link #SITE}.
 */
public final class FleetRecords {
    public static final String SOURCE = "gs-source";
    public static final String SEQ = "gs-seq";
    public static final String SITE = "gs-site";

    private FleetRecords() {}

    public static String assetKey(String site, String assetId) {
        return site + "/" + assetId;
    }

    public static String communicationKey(String site, io.gridscout.mapping.inventory.Inventory.Communication c) {
        return site + "/" + c.client() + "/" + c.server() + "/" + c.protocol() + "/" + c.transport() + "/" + c.port();
    }

    /** Site names name keys: no '/', no control characters. */
    public static String checkSite(String site) {
        if (site == null || site.isBlank()) throw new IllegalArgumentException("a site name is required to publish (--site-name NAME)");
        for (char c : site.toCharArray()) {
            if (c == '/' || c < 0x20 || c == 0x7f) throw new IllegalArgumentException("site name must not contain '/' or control characters: " + site);
        }
        return site;
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
}
