package io.gridscout.mapping.classify;

import java.util.List;

/**
 * One classification rule: when every {@code when} condition holds and no {@code unless} condition does, the
 * asset gets a vote for {@code deviceClass} with {@code confidence}. A rule with confidence 0 never fires (how
 * an operator file switches a built-in rule off: same id, confidence 0).
 */
public record Rule(String id, String deviceClass, double confidence, List<Condition> when, List<Condition> unless,
                   String note, String source, int line) {
    public Rule {
        when = List.copyOf(when);
        unless = List.copyOf(unless);
    }

    boolean fires(AssetView a) {
        if (confidence <= 0) return false;
        for (Condition c : when) if (!c.test(a)) return false;
        for (Condition c : unless) if (c.test(a)) return false;
        return true;
    }
}
