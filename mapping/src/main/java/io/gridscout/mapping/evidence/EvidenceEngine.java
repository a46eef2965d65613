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
    public record Result(List<Finding> findings, Map<String, String> notEvaluated, Map<String, Long> dropped,
                         Map<String, Findings.Coverage> coverage) {
        public Result(List<Finding> findings, Map<String, String> notEvaluated, Map<String, Long> dropped) {
            this(findings, notEvaluated, dropped, Map.of());
        }
    }

    public static Result evaluate(Inventory inv, SiteContext site, Reconciliation reconciliation) {
        return evaluate(inv, site, reconciliation, Settings.DEFAULT);
    }

    /** Evaluation settings: the shortest window over which absence of time synchronisation is judged. */
    public record Settings(long minTimeSyncWindowNanos) {
        public static final Settings DEFAULT = new Settings(3_600_000_000_000L);
    }

    public static Result evaluate(Inventory inv, SiteContext site, Reconciliation reconciliation, Settings settings) {
        EvidenceContext ctx = new EvidenceContext(inv, site, reconciliation, settings);
        Findings out = new Findings();
        Map<String, String> skipped = new LinkedHashMap<>();
        for (Rule r : Rules.all()) {
            String why = r.evaluate(ctx, out);
            if (why != null) skipped.put(r.id(), why);
        }
        return new Result(out.sorted(), skipped, out.dropped(), Map.copyOf(out.coverage()));
    }
}
