package io.gridscout.mapping.evidence;

import java.util.List;
import java.util.Map;

/** A rule's metadata from rules.txt: default severity, the context it needs, title, and control mappings. */
public record RuleInfo(String id, String severity, String needs, String title, Map<String, List<Mapping>> mappings) {
    public record Mapping(String standard, String controlId, String basis) {}

    public List<String> controlIds(String standard) {
        return mappings.getOrDefault(standard, List.of()).stream().map(Mapping::controlId).toList();
    }
}
