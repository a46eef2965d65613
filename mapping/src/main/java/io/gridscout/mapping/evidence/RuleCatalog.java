package io.gridscout.mapping.evidence;

import io.gridscout.mapping.controls.ControlCatalog;
import io.gridscout.mapping.controls.Relation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rule metadata and control mappings from the data file rules.txt beside this class. One table gives both ISO
 * editions: {@code MAP|rule|27019|ids} names 27019:2024 ids; the 27019:2017 ids are every 2017 control whose
 * catalog correspondence (basis B or ENR) points to one of them, then {@code ADJUST} lines add or remove ids with
 * their reason.
 */
public final class RuleCatalog {
    /** The pseudo-standard of the single ISO table in rules.txt. */
    public static final String ISO = "27019";
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

    /** Rule ids that evidence a control (unconditionally or under a condition), in rule order. */
    public List<String> rulesFor(String standard, String controlId) {
        List<String> out = new ArrayList<>();
        for (RuleInfo r : rules.values()) if (r.allControlIds(standard).contains(controlId)) out.add(r.id());
        return out;
    }

    /** 27019:2017 ids whose correspondence (basis B or ENR) points to one of the 2024 ids, in 2017 catalog order. */
    public static List<String> to2017(List<String> ids2024) {
        Set<String> out = new LinkedHashSet<>();
        for (Relation r : ControlCatalog.get().relations()) {
            if (r.fromStandard().equals(ControlCatalog.ISO27019_2017) && ids2024.contains(r.to()) && !r.basis().equals("J")) out.add(r.from());
        }
        return List.copyOf(out);
    }

    private static RuleCatalog load() {
        Map<String, String> versions = new HashMap<>();
        Map<String, String[]> heads = new LinkedHashMap<>();
        Map<String, Map<String, List<RuleInfo.Mapping>>> maps = new LinkedHashMap<>();
        Map<String, Map<String, Map<String, List<RuleInfo.Mapping>>>> conds = new LinkedHashMap<>();
        Map<String, Map<String, List<String>>> demos = new LinkedHashMap<>();
        Map<String, String> observes = new HashMap<>(), limits = new HashMap<>();
        Map<String, List<String>> diffs = new LinkedHashMap<>();
        for (String[] f : ControlCatalog.readTable("/io/gridscout/mapping/evidence/rules.txt", versions, "rules")) {
            if (f[0].equals("RULE") && f.length == 5) {
                if (heads.put(f[1], f) != null) throw new IllegalStateException("rules.txt: duplicate rule " + f[1]);
                maps.put(f[1], new LinkedHashMap<>());
                conds.put(f[1], new LinkedHashMap<>());
                demos.put(f[1], new LinkedHashMap<>());
                diffs.put(f[1], new ArrayList<>());
                continue;
            }
            if (f.length < 3 || !heads.containsKey(f[1])) throw new IllegalStateException("rules.txt: line before its RULE or bad: " + String.join("|", f));
            String rule = f[1];
            switch (f[0]) {
                case "OBSERVES" -> observes.put(rule, f[2]);
                case "LIMIT" -> limits.put(rule, f[2]);
                case "MAP" -> {
                    if (f.length != 5) throw new IllegalStateException("rules.txt: bad line " + String.join("|", f));
                    if (f[2].equals(ISO)) {
                        List<String> ids = ids(f[3]);
                        put(maps.get(rule), ControlCatalog.ISO27019_2024, ids, f[4]);
                        put(maps.get(rule), ControlCatalog.ISO27019_2017, to2017(ids), f[4] + " (generated from 27019:2024)");
                    } else {
                        put(maps.get(rule), f[2], ids(f[3]), f[4]);
                    }
                }
                case "ADJUST" -> {
                    if (f.length != 5 || !f[2].equals(ControlCatalog.ISO27019_2017)) throw new IllegalStateException("rules.txt: bad line " + String.join("|", f));
                    List<RuleInfo.Mapping> m = maps.get(rule).computeIfAbsent(f[2], k -> new ArrayList<>());
                    for (String id : ids(f[3])) {
                        String cid = id.substring(1);
                        if (id.startsWith("+")) m.add(new RuleInfo.Mapping(f[2], cid, f[4]));
                        else if (id.startsWith("-")) {
                            if (!m.removeIf(x -> x.controlId().equals(cid))) throw new IllegalStateException("rules.txt: " + rule + " removes " + cid + " which is not generated");
                        } else throw new IllegalStateException("rules.txt: ADJUST ids start with + or -: " + id);
                    }
                    diffs.get(rule).add("27019:2017 " + f[3] + ": " + f[4]);
                }
                case "COND" -> {
                    if (f.length != 6) throw new IllegalStateException("rules.txt: bad line " + String.join("|", f));
                    Map<String, List<RuleInfo.Mapping>> m = conds.get(rule).computeIfAbsent(f[2], k -> new LinkedHashMap<>());
                    List<String> ids = ids(f[4]);
                    if (f[3].equals(ISO)) {
                        put(m, ControlCatalog.ISO27019_2024, ids, f[5]);
                        put(m, ControlCatalog.ISO27019_2017, to2017(ids), f[5]);
                    } else put(m, f[3], ids, f[5]);
                }
                case "DEMO" -> {
                    if (f.length != 5 || !f[2].equals(ISO)) throw new IllegalStateException("rules.txt: bad line " + String.join("|", f));
                    List<String> ids = ids(f[3]);
                    demos.get(rule).put(ControlCatalog.ISO27019_2024, ids);
                    demos.get(rule).put(ControlCatalog.ISO27019_2017, to2017(ids));
                }
                default -> throw new IllegalStateException("rules.txt: bad line " + String.join("|", f));
            }
        }
        Map<String, RuleInfo> rules = new LinkedHashMap<>();
        heads.forEach((id, f) -> {
            Map<String, List<RuleInfo.Mapping>> m = new LinkedHashMap<>();
            maps.get(id).forEach((k, v) -> m.put(k, List.copyOf(v)));
            Map<String, Map<String, List<RuleInfo.Mapping>>> c = new LinkedHashMap<>();
            conds.get(id).forEach((k, v) -> {
                Map<String, List<RuleInfo.Mapping>> cm = new LinkedHashMap<>();
                v.forEach((s, l) -> cm.put(s, List.copyOf(l)));
                c.put(k, cm);
            });
            // a DEMO control is always one the rule maps to (the 2017 list after its ADJUST lines)
            Map<String, List<String>> demo = new LinkedHashMap<>();
            demos.get(id).forEach((std, ids) -> {
                List<String> mapped = m.getOrDefault(std, List.of()).stream().map(RuleInfo.Mapping::controlId).toList();
                demo.put(std, ids.stream().filter(mapped::contains).toList());
            });
            rules.put(id, new RuleInfo(id, f[2], f[3], f[4], m, c, observes.getOrDefault(id, ""), limits.getOrDefault(id, ""),
                    Map.copyOf(demo), List.copyOf(diffs.get(id))));
        });
        return new RuleCatalog(rules, versions.getOrDefault("rules", "unknown"));
    }

    private static List<String> ids(String s) {
        List<String> out = new ArrayList<>();
        if (s.equals("-")) return out;
        for (String id : s.split(",")) if (!id.isBlank()) out.add(id.trim());
        return out;
    }

    private static void put(Map<String, List<RuleInfo.Mapping>> m, String std, List<String> ids, String basis) {
        List<RuleInfo.Mapping> l = m.computeIfAbsent(std, k -> new ArrayList<>());
        for (String id : ids) l.add(new RuleInfo.Mapping(std, id, basis));
    }
}
