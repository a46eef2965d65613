package io.gridscout.mapping.events;

import io.gridscout.mapping.inventory.Inventory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Diffs successive inventory snapshots into change events. Pure: the caller passes the snapshots and the
 * current time. The only state is which assets were already reported silent, so a silence is reported once
 * (and again only after the asset spoke in between).
 */
public final class ChangeDetector {
    /** Attributes whose change matters to an operator (a firmware change is a maintenance action or an attack). */
    public static final List<String> TRACKED = List.of("vendor", "model", "firmware", "serial");
    private static final Set<String> RISKY_KINDS = Set.of("write", "control", "program");

    private final long silentAfterNanos;
    private final Set<String> silent = new HashSet<>();

    public ChangeDetector(long silentAfterNanos) {
        this.silentAfterNanos = silentAfterNanos;
    }

    /** Marks assets already silent in a restored snapshot, so a restart does not report them again. */
    public void prime(Inventory inv, long now) {
        for (Inventory.Asset a : inv.assets()) if (now - a.lastSeen() > silentAfterNanos) silent.add(a.id());
    }

    /** Events from {@code before} (null: nothing known) to {@code after}, stamped {@code now}. */
    public List<ChangeEvent> diff(Inventory before, Inventory after, long now) {
        List<ChangeEvent> out = new ArrayList<>();
        Map<String, Inventory.Asset> old = new HashMap<>();
        if (before != null) for (Inventory.Asset a : before.assets()) old.put(a.id(), a);
        for (Inventory.Asset a : after.assets()) {
            Inventory.Asset o = old.get(a.id());
            if (o == null) {
                out.add(new ChangeEvent(now, ChangeEvent.NEW_ASSET, a.id(), a.deviceClass(), null, a.ips().isEmpty() ? String.join(",", a.macs()) : String.join(",", a.ips())));
            }
            for (String name : TRACKED) {
                String was = o == null ? null : best(o, name), is = best(a, name);
                if (is == null || is.equals(was)) continue;
                if (was != null) out.add(new ChangeEvent(now, ChangeEvent.ATTRIBUTE_CHANGED, a.id(), name, was, is));
                else if (o != null) out.add(new ChangeEvent(now, ChangeEvent.ATTRIBUTE_LEARNED, a.id(), name, null, is));
            }
            Set<String> services = new HashSet<>();
            if (o != null) for (Inventory.Service s : o.services()) services.add(key(s));
            for (Inventory.Service s : a.services()) {
                if (!services.contains(key(s))) out.add(new ChangeEvent(now, ChangeEvent.NEW_SERVICE, a.id(), key(s), null, null));
            }
            if (now - a.lastSeen() > silentAfterNanos) {
                if (silent.add(a.id())) out.add(new ChangeEvent(now, ChangeEvent.ASSET_SILENT, a.id(), "lastSeen", null, Long.toString(a.lastSeen())));
            } else {
                silent.remove(a.id());
            }
        }
        Map<String, Inventory.Communication> oldComms = new HashMap<>();
        if (before != null) for (Inventory.Communication c : before.communications()) oldComms.put(key(c), c);
        for (Inventory.Communication c : after.communications()) {
            String k = key(c);
            Inventory.Communication o = oldComms.get(k);
            if (o == null) out.add(new ChangeEvent(now, ChangeEvent.NEW_COMMUNICATION, c.server(), k, null, null));
            Set<String> had = o == null ? Set.of() : riskyKinds(o).keySet();
            riskyKinds(c).forEach((kind, names) -> {
                if (!had.contains(kind)) out.add(new ChangeEvent(now, ChangeEvent.FIRST_OPERATION, c.server(), k, null, kind + ":" + String.join(",", names)));
            });
        }
        return out;
    }

    /** The value an operator sees: highest confidence, then the most recently seen (as the inventory picks it). */
    static String best(Inventory.Asset a, String name) {
        Inventory.Attribute best = null;
        for (Inventory.Attribute at : a.attributes()) {
            if (!at.name().equals(name)) continue;
            if (best == null || at.confidence() > best.confidence() || (at.confidence() == best.confidence() && at.lastSeen() > best.lastSeen())) best = at;
        }
        return best == null ? null : best.value();
    }

    private static Map<String, Set<String>> riskyKinds(Inventory.Communication c) {
        Map<String, Set<String>> m = new HashMap<>();
        for (Inventory.Operation op : c.operations()) {
            if (RISKY_KINDS.contains(op.kind())) m.computeIfAbsent(op.kind(), k -> new TreeSet<>()).add(op.name());
        }
        return m;
    }

    public static String key(Inventory.Service s) {
        return s.protocol() + "/" + s.role() + "/" + s.transport() + "/" + s.port();
    }

    public static String key(Inventory.Communication c) {
        return c.client() + ">" + c.server() + " " + c.protocol() + "/" + c.transport() + "/" + c.port();
    }
}
