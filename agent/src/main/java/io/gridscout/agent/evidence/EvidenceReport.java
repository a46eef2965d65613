package io.gridscout.agent.evidence;

import io.gridscout.mapping.controls.Control;
import io.gridscout.mapping.controls.ControlCatalog;
import io.gridscout.mapping.evidence.ControlVerdicts;
import io.gridscout.mapping.evidence.EvidenceEngine;
import io.gridscout.mapping.evidence.Finding;
import io.gridscout.mapping.evidence.RuleCatalog;
import io.gridscout.mapping.evidence.RuleInfo;
import io.gridscout.mapping.evidence.Status;
import io.gridscout.mapping.inventory.Inventory;
import io.gridscout.mapping.register.Reconciler;
import io.gridscout.mapping.register.Reconciliation;
import io.gridscout.mapping.register.RegisterEntry;
import io.gridscout.mapping.site.SiteContext;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything an evidence pack shows, computed once: findings, reconciliation, per-control assessment. */
public record EvidenceReport(Inventory inventory, SiteContext site, Reconciliation reconciliation, EvidenceEngine.Result result,
                             String standard, String version) {
    public static final String NOT_ASSESSABLE = "not-assessable";
    /** Before gridscout.evidence/1 rules 2026-12-08 the state "no finding" was written "no-finding"; see docs/evidence.md. */
    public static final String NO_FINDING = ControlVerdicts.NO_EXCEPTION_OBSERVED;
    public static final String NOT_EVALUATED = "not-evaluated";

    public static EvidenceReport build(Inventory inv, SiteContext site, List<RegisterEntry> register, String standard, String version) {
        SiteContext s = site == null ? SiteContext.empty() : site;
        Reconciliation rec = register == null ? null : Reconciler.reconcile(inv, register, s);
        return new EvidenceReport(inv, s, rec, EvidenceEngine.evaluate(inv, s, rec), standard, version);
    }

    public String rulesVersion() {
        return RuleCatalog.get().version();
    }

    public long windowStart() {
        long t = Long.MAX_VALUE;
        for (Inventory.CaptureSummary c : inventory.captures()) if (c.packets() > 0) t = Math.min(t, c.start());
        return t;
    }

    public long windowEnd() {
        long t = Long.MIN_VALUE;
        for (Inventory.CaptureSummary c : inventory.captures()) if (c.packets() > 0) t = Math.max(t, c.end());
        return t;
    }

    public Map<String, Integer> findingCounts() {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (Status s : Status.values()) m.put(s.word, 0);
        for (Finding f : result.findings()) m.merge(f.status().word, 1, Integer::sum);
        return m;
    }

    public List<String> rulesFor(String controlId) {
        return RuleCatalog.get().rulesFor(standard, controlId);
    }

    public List<Finding> findingsFor(String controlId) {
        List<Finding> out = new ArrayList<>();
        for (Finding f : result.findings()) if (f.controls().getOrDefault(standard, List.of()).contains(controlId)) out.add(f);
        return out;
    }

    /** The control's state by the roll-up of {@link ControlVerdicts} (the findings.json {@code assessment} word). */
    public String assessment(String controlId) {
        return verdict(controlId).state();
    }

    public ControlVerdicts.Verdict verdict(String controlId) {
        return ControlVerdicts.of(standard, controlId, result);
    }

    public List<String> themes() {
        List<String> t = new ArrayList<>();
        for (Control c : ControlCatalog.get().controls(standard)) if (!t.contains(c.theme())) t.add(c.theme());
        return t;
    }

    public static String evidencedBy(String standard, String controlId) {
        List<String> rules = RuleCatalog.get().rulesFor(standard, controlId);
        if (rules.isEmpty()) return NOT_ASSESSABLE;
        return String.join(",", rules);
    }

    public static RuleInfo rule(String id) {
        return RuleCatalog.get().rule(id);
    }
}
