package io.gridscout.mapping.evidence;

import io.gridscout.mapping.inventory.Inventory;
import io.gridscout.mapping.register.Reconciliation;
import io.gridscout.mapping.site.SiteContext;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs every rule over an inventory. Deterministic: same inputs, same findings in the same order. */
public final class EvidenceEngine {
    private EvidenceEngine() {}

    /**
     * {@code notEvaluated}: rule id to the missing context that kept it from running; {@code dropped}: findings
     * per rule beyond the cap (counted, not kept).
     */
    public record Result(List<Finding> findings, Map<String, String> notEvaluated, Map<String, Long> dropped) {}

    public static Result evaluate(Inventory inv, SiteContext site, Reconciliation reconciliation) {
        EvidenceContext ctx = new EvidenceContext(inv, site, reconciliation);
        Findings out = new Findings();
        Map<String, String> skipped = new LinkedHashMap<>();
        for (Rule r : Rules.all()) {
            String why = r.evaluate(ctx, out);
            if (why != null) skipped.put(r.id(), why);
        }
        return new Result(out.sorted(), skipped, out.dropped());
    }
}
