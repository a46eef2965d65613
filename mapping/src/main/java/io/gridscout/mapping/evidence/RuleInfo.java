package io.gridscout.mapping.evidence;

import java.util.List;
import java.util.Map;

/**
 * A rule's metadata from rules.txt: default severity, the context it needs, title, control mappings per standard
 * (the 27019:2017 ones generated from the 27019:2024 table, see RuleCatalog), conditional mappings added to a finding
 * only when the rule marks the condition, what it observes and cannot show, the controls a whole-scope positive
 * result demonstrates, and the stated reason for every 2017 difference.
 */
public record RuleInfo(String id, String severity, String needs, String title, Map<String, List<Mapping>> mappings,
                       Map<String, Map<String, List<Mapping>>> conditional, String observes, String cannotShow,
                       Map<String, List<String>> demonstrates, List<String> editionDifferences) {
    public record Mapping(String standard, String controlId, String basis) {}

    public RuleInfo(String id, String severity, String needs, String title, Map<String, List<Mapping>> mappings) {
        this(id, severity, needs, title, mappings, Map.of(), "", "", Map.of(), List.of());
    }

    public List<String> controlIds(String standard) {
        return mappings.getOrDefault(standard, List.of()).stream().map(Mapping::controlId).toList();
    }

    /** Ids added under {@code condition} (e.g. "external", "inter-control-centre"). */
    public List<String> conditionalIds(String condition, String standard) {
        return conditional.getOrDefault(condition, Map.of()).getOrDefault(standard, List.of()).stream().map(Mapping::controlId).toList();
    }

    /** Unconditional and conditional ids: every control a finding of this rule can bear on. */
    public List<String> allControlIds(String standard) {
        java.util.LinkedHashSet<String> s = new java.util.LinkedHashSet<>(controlIds(standard));
        for (String c : conditional.keySet()) s.addAll(conditionalIds(c, standard));
        return List.copyOf(s);
    }

    public boolean demonstrates(String standard, String controlId) {
        return demonstrates.getOrDefault(standard, List.of()).contains(controlId);
    }
}
