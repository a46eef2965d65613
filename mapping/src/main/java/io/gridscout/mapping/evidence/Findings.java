package io.gridscout.mapping.evidence;

import io.gridscout.mapping.controls.ControlCatalog;
import io.gridscout.mapping.inventory.Inventory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Collects findings; fills title, controls and times from the rule's metadata and the flows/assets involved. */
public final class Findings {
    /** Per rule cap: a rule that fires per flow must not grow without bound on a big capture. */
    public static final int MAX_PER_RULE = 5_000;
    private final List<Finding> list = new ArrayList<>();
    private final Map<String, Integer> perRule = new java.util.TreeMap<>();
    private final Map<String, Long> dropped = new java.util.TreeMap<>();

    /** What each rule examined: how many items of what kind (its coverage in the roll-up). */
    public record Coverage(long examined, String what) {}

    private final Map<String, Coverage> coverage = new java.util.TreeMap<>();

    /** Records that {@code ruleId} examined {@code n} items described by {@code what} (adds up over calls). */
    public void examined(String ruleId, long n, String what) {
        coverage.merge(ruleId, new Coverage(n, what), (a, b) -> new Coverage(a.examined() + b.examined(), a.what()));
    }

    public Map<String, Coverage> coverage() {
        return java.util.Collections.unmodifiableMap(coverage);
    }

    public void add(String ruleId, Status status, String severity, String summary, String basis,
                    Collection<Inventory.Asset> assets, Collection<Inventory.Communication> comms) {
        add(ruleId, status, severity, summary, basis, assets, comms, java.util.Set.of(), false);
    }

    /**
     * {@code conditions}: conditional mappings of rules.txt (COND) that apply to this finding; {@code wholeScope}:
     * a positive finding about everything the rule examined.
     */
    public void add(String ruleId, Status status, String severity, String summary, String basis,
                    Collection<Inventory.Asset> assets, Collection<Inventory.Communication> comms, java.util.Set<String> conditions, boolean wholeScope) {
        RuleInfo info = RuleCatalog.get().rule(ruleId);
        if (perRule.merge(ruleId, 1, Integer::sum) > MAX_PER_RULE) {
            dropped.merge(ruleId, 1L, Long::sum);
            return;
        }
        Map<String, List<String>> controls = new LinkedHashMap<>();
        for (String std : ControlCatalog.STANDARDS) {
            java.util.LinkedHashSet<String> ids = new java.util.LinkedHashSet<>(info.controlIds(std));
            for (String c : new java.util.TreeSet<>(conditions)) ids.addAll(info.conditionalIds(c, std));
            controls.put(std, List.copyOf(ids));
        }
        TreeSet<String> assetIds = new TreeSet<>();
        TreeSet<Long> times = new TreeSet<>();
        long first = Long.MAX_VALUE, last = Long.MIN_VALUE;
        for (Inventory.Asset a : assets) {
            assetIds.add(a.id());
            if (comms.isEmpty()) {
                first = Math.min(first, a.firstSeen());
                last = Math.max(last, a.lastSeen());
            }
        }
        List<String> commLabels = new ArrayList<>();
        for (Inventory.Communication c : comms) {
            assetIds.add(c.client());
            assetIds.add(c.server());
            commLabels.add(EvidenceContext.label(c));
            first = Math.min(first, c.firstSeen());
            last = Math.max(last, c.lastSeen());
            times.add(c.firstSeen());
            times.add(c.lastSeen());
        }
        if (comms.isEmpty()) for (Inventory.Asset a : assets) {
            times.add(a.firstSeen());
            times.add(a.lastSeen());
        }
        times.remove(Long.MAX_VALUE);
        times.remove(Long.MIN_VALUE);
        // bounded: the first and last packet times of up to 32 flows are enough for an auditor to pull the packets
        List<Long> t = new ArrayList<>(times);
        if (t.size() > 64) t = new ArrayList<>(t.subList(0, 64));
        commLabels.sort(null);
        list.add(new Finding(ruleId, info.title(), severity != null ? severity : info.severity(), status, summary, basis,
                controls, new ArrayList<>(assetIds), commLabels, first, last, t, wholeScope));
    }

    public void add(String ruleId, Status status, String summary, String basis, Collection<Inventory.Asset> assets,
                    Collection<Inventory.Communication> comms) {
        add(ruleId, status, null, summary, basis, assets, comms);
    }

    /** Findings refused per rule once it hit {@link #MAX_PER_RULE}. */
    public Map<String, Long> dropped() {
        return java.util.Collections.unmodifiableMap(dropped);
    }

    /** Findings in a stable order: rule, status, summary. */
    public List<Finding> sorted() {
        List<Finding> out = new ArrayList<>(list);
        out.sort(Comparator.comparing(Finding::ruleId).thenComparing(f -> f.status().ordinal()).thenComparing(Finding::summary)
                .thenComparing(f -> String.join(",", f.assets())));
        return out;
    }
}
