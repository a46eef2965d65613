package io.gridscout.agent.console;

import io.gridscout.agent.daemon.AgentEngine;
import io.gridscout.agent.evidence.EvidenceReport;
import io.gridscout.agent.store.InventoryStore;
import io.gridscout.mapping.controls.ControlCatalog;
import io.gridscout.mapping.events.ChangeEvent;
import io.gridscout.mapping.inventory.Inventory;
import io.gridscout.mapping.register.RegisterEntry;
import io.gridscout.mapping.site.SiteContext;

import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * What the console shows, from either a live agent (snapshots change every tick, events arrive) or an offline
 * analysis (one fixed inventory). Keeps the latest change events in a bounded ring (the store only has them
 * after a checkpoint) and the evidence report of a recent snapshot (recomputed at most every 10 s).
 */
public final class ConsoleModel {
    public static final int MAX_EVENTS = 10_000;
    private static final long REPORT_MAX_AGE_NANOS = 10_000_000_000L;

    /** One change event with the console's sequence number. */
    public record Numbered(long seq, ChangeEvent event) {}

    private final Supplier<Inventory> inventory;
    private final Supplier<Map<String, Long>> health;
    private final SiteContext site;
    private final List<RegisterEntry> register;
    private final String standard, version;
    private final boolean live;
    private final ArrayDeque<Numbered> events = new ArrayDeque<>();
    private final List<LongConsumer> listeners = new CopyOnWriteArrayList<>();
    private long seq, eventsDropped;
    private Inventory reportFor;
    private long reportAt;
    private EvidenceReport report;

    public ConsoleModel(Supplier<Inventory> inventory, Supplier<Map<String, Long>> health, SiteContext site, List<RegisterEntry> register,
                        String standard, String version, boolean live) {
        this.inventory = inventory;
        this.health = health;
        this.site = site == null ? SiteContext.empty() : site;
        this.register = register;
        this.standard = standard == null ? ControlCatalog.ISO27019_2024 : standard;
        this.version = version;
        this.live = live;
    }

    /** A fixed inventory from {@code analyze --serve}. */
    public static ConsoleModel offline(Inventory inv, Map<String, Long> health, SiteContext site, List<RegisterEntry> register,
                                       String standard, String version) {
        Map<String, Long> h = Map.copyOf(health);
        return new ConsoleModel(() -> inv, () -> h, site, register, standard, version, false);
    }

    /**
     * The live agent's console: subscribes to the engine's events (call before the pipeline thread starts) and
     * starts from the newest stored events. Zones, findings and the register reconciliation use the engine's site
     * context and declared register (the agent's site: and register: settings).
     */
    public static ConsoleModel live(AgentEngine engine, Supplier<Map<String, Long>> extraHealth, String version) throws SQLException {
        ConsoleModel m = new ConsoleModel(engine::inventory, () -> {
            AgentEngine.LiveStats s = engine.stats();
            Map<String, Long> h = new LinkedHashMap<>();
            h.put("packets", s.packets());
            h.put("bytes", s.bytes());
            h.put("malformed frames", s.malformedFrames());
            s.malformedByProtocol().forEach((k, v) -> h.put("malformed " + k, v));
            h.put("decoder errors", s.decoderErrors());
            h.put("tcp gaps", s.tcpGaps());
            h.put("flows active", (long) s.activeFlows());
            h.put("flows evicted", s.flowsEvicted());
            h.put("fragments dropped", s.fragmentsDropped());
            h.put("events dropped", engine.eventsDropped());
            if (extraHealth != null) h.putAll(extraHealth.get());
            return h;
        }, engine.site(), engine.register(), ControlCatalog.ISO27019_2024, version, true);
        InventoryStore store = engine.store();
        if (store != null) {
            // oldest first: page through and keep the newest MAX_EVENTS
            for (long off = 0; off < 1_000_000; off += 1000) {
                List<InventoryStore.StoredEvent> page = store.events(Long.MIN_VALUE, null, 1000, off);
                for (InventoryStore.StoredEvent e : page) m.add(e.event());
                if (page.size() < 1000) break;
            }
        }
        engine.addListener(m::publish);
        return m;
    }

    public boolean live() {
        return live;
    }

    public Inventory inventory() {
        return inventory.get();
    }

    public Map<String, Long> health() {
        return health.get();
    }

    public SiteContext site() {
        return site;
    }

    public List<RegisterEntry> register() {
        return register;
    }

    public String standard() {
        return standard;
    }

    public String version() {
        return version;
    }

    /** New change events (any thread): kept in the ring, then listeners (the SSE streams) learn the newest sequence number. */
    public void publish(List<ChangeEvent> batch) {
        long last;
        synchronized (events) {
            for (ChangeEvent e : batch) add(e);
            last = seq;
        }
        for (LongConsumer l : listeners) l.accept(last);
    }

    private void add(ChangeEvent e) {
        synchronized (events) {
            events.addLast(new Numbered(++seq, e));
            if (events.size() > MAX_EVENTS) {
                events.removeFirst();
                eventsDropped++;
            }
        }
    }

    public void addListener(LongConsumer l) {
        listeners.add(l);
    }

    public void removeListener(LongConsumer l) {
        listeners.remove(l);
    }

    public long lastSeq() {
        synchronized (events) {
            return seq;
        }
    }

    /** Newest first; {@code type}/{@code asset} filter when non-null. */
    public List<Numbered> events(String type, String asset) {
        List<Numbered> out = new ArrayList<>();
        synchronized (events) {
            var it = events.descendingIterator();
            while (it.hasNext()) {
                Numbered n = it.next();
                if (type != null && !type.equals(n.event().type())) continue;
                if (asset != null && !asset.equals(n.event().assetId())) continue;
                out.add(n);
            }
        }
        return out;
    }

    /** The evidence report of a recent snapshot (findings, reconciliation). */
    public EvidenceReport report() {
        Inventory inv = inventory();
        synchronized (this) {
            long now = System.nanoTime();
            if (report == null || (reportFor != inv && now - reportAt > REPORT_MAX_AGE_NANOS)) {
                report = EvidenceReport.build(inv, site, register, standard, version);
                reportFor = inv;
                reportAt = now;
            }
            return report;
        }
    }

    /** The zone (from the site context) or else the /24 (IPv4) or /64 (IPv6) of the asset's first address. */
    public String group(Inventory.Asset a) {
        if (a.ips().isEmpty()) return "no IP (layer 2)";
        String ip = a.ips().get(0);
        SiteContext.Zone z = site.zoneOf(ip);
        if (z != null) return "zone " + z.name();
        int dot = ip.lastIndexOf('.');
        if (dot > 0 && ip.indexOf(':') < 0) return ip.substring(0, dot) + ".0/24";
        String[] parts = ip.split(":", -1);
        if (parts.length >= 4 && !ip.contains("::")) return parts[0] + ":" + parts[1] + ":" + parts[2] + ":" + parts[3] + "::/64";
        return "IPv6";
    }
}
