package io.gridscout.mapping.evidence;

import java.util.List;
import java.util.Map;

/**
 * One result of one rule. {@code controls} maps each standard (see ControlCatalog.STANDARDS) to the control ids
 * the rule evidences. {@code evidenceTimes} are packet times (ns since the epoch) of the first and last packets of
 * the flows or hosts that show it; {@code basis} says what the conclusion rests on (e.g. "server port only").
 * {@code wholeScope}: a positive finding that covers everything the rule could examine in the pack (e.g. every
 * control command on every conduit authenticated), as opposed to one host, flow or server; only such a finding can
 * make a control evidence-of-conformity.
 */
public record Finding(String ruleId, String title, String severity, Status status, String summary, String basis,
                      Map<String, List<String>> controls, List<String> assets, List<String> communications,
                      long firstSeen, long lastSeen, List<Long> evidenceTimes, boolean wholeScope) {
    public Finding {
        controls = Map.copyOf(controls);
        assets = List.copyOf(assets);
        communications = List.copyOf(communications);
        evidenceTimes = List.copyOf(evidenceTimes);
    }

    public Finding(String ruleId, String title, String severity, Status status, String summary, String basis,
                   Map<String, List<String>> controls, List<String> assets, List<String> communications,
                   long firstSeen, long lastSeen, List<Long> evidenceTimes) {
        this(ruleId, title, severity, status, summary, basis, controls, assets, communications, firstSeen, lastSeen, evidenceTimes, false);
    }

    /** "observed-scope" for a whole-scope positive finding, "instance" otherwise (findings.json {@code scope}). */
    public String scope() {
        return wholeScope ? "observed-scope" : "instance";
    }
}
