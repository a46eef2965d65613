package io.gridscout.mapping.evidence;

import io.gridscout.mapping.controls.ControlCatalog;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Rule metadata and control mappings from the data file rules.txt beside this class. */
public final class RuleCatalog {
    private static volatile RuleCatalog instance;
    private final Map<String, RuleInfo> rules;
    private final String version;

    private RuleCatalog(Map<String, RuleInfo> rules, String version) {
        this.rules = rules;
        this.version = version;
    }

    public static RuleCatalog get() {
        RuleCatalog c = instance;
        if (c == null) {
            synchronized (RuleCatalog.class) {
                if (instance == null) instance = load();
                c = instance;
            }
        }
        return c;
    }

    public List<RuleInfo> rules() {
        return List.copyOf(rules.values());
    }

    public RuleInfo rule(String id) {
        RuleInfo r = rules.get(id);
        if (r == null) throw new IllegalArgumentException("no rule " + id + " in rules.txt");
        return r;
    }

    public String version() {
        return version;
    }

    /** Rule ids that evidence a control, in rule order. */
    public List<String> rulesFor(String standard, String controlId) {
        List<String> out = new ArrayList<>();
        for (RuleInfo r : rules.values()) if (r.controlIds(standard).contains(controlId)) out.add(r.id());
        return out;
    }

    private static RuleCatalog load() {
        Map<String, String> versions = new HashMap<>();
        Map<String, String[]> heads = new LinkedHashMap<>();
        Map<String, Map<String, List<RuleInfo.Mapping>>> maps = new LinkedHashMap<>();
        for (String[] f : ControlCatalog.readTable("/io/gridscout/mapping/evidence/rules.txt", versions, "rules")) {
            if (f[0].equals("RULE") && f.length == 5) {
                if (heads.put(f[1], f) != null) throw new IllegalStateException("rules.txt: duplicate rule " + f[1]);
                maps.put(f[1], new LinkedHashMap<>());
            } else if (f[0].equals("MAP") && f.length == 5) {
                Map<String, List<RuleInfo.Mapping>> m = maps.get(f[1]);
                if (m == null) throw new IllegalStateException("rules.txt: MAP before RULE " + f[1]);
                for (String id : f[3].split(",")) m.computeIfAbsent(f[2], k -> new ArrayList<>()).add(new RuleInfo.Mapping(f[2], id.trim(), f[4]));
            } else {
                throw new IllegalStateException("rules.txt: bad line " + String.join("|", f));
            }
        }
        Map<String, RuleInfo> rules = new LinkedHashMap<>();
        heads.forEach((id, f) -> {
            Map<String, List<RuleInfo.Mapping>> m = new LinkedHashMap<>();
            maps.get(id).forEach((k, v) -> m.put(k, List.copyOf(v)));
            rules.put(id, new RuleInfo(id, f[2], f[3], f[4], m));
        });
        return new RuleCatalog(rules, versions.getOrDefault("rules", "unknown"));
    }
}
