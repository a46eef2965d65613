package io.gridscout.mapping.events;

import io.gridscout.mapping.evidence.Finding;
import io.gridscout.mapping.evidence.Status;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * "New finding" events between the findings of two successive snapshots. Pure. A finding is identified by its
 * rule and status plus each of its communications (which name both ends), or plus its affected assets when it has
 * no communication: it is new unless a previous finding shares one of those keys. So a finding whose flow list
 * grows (a time source gaining clients, a field device answering one more client) is not reported again, while a
 * second undocumented flow between the same two hosts is. Evidence of conformity is never an event: it is not
 * something an operator must act on, and aggregate conformity findings change with every new asset.
 */
public final class FindingChanges {
    /** Events carry at most this much of a finding's summary. */
    public static final int MAX_TEXT = 500;

    private FindingChanges() {}

    /** The identity keys of one finding: one per communication, or one of its assets when it has none. */
    public static List<String> keys(Finding f) {
        String base = f.ruleId() + "|" + f.status().word + "|";
        if (f.communications().isEmpty()) return List.of(base + String.join(",", f.assets()));
        List<String> out = new ArrayList<>(f.communications().size());
        for (String c : f.communications()) out.add(base + c);
        return out;
    }

    /** Every key of {@code findings} (null: none), to diff the next snapshot against. */
    public static Set<String> keys(List<Finding> findings) {
        Set<String> out = new HashSet<>();
        if (findings != null) for (Finding f : findings) if (f.status() != Status.EVIDENCE_OF_CONFORMITY) out.addAll(keys(f));
        return out;
    }

    /** {@code finding.new} events for the findings of {@code after} none of whose keys are in {@code before}, stamped {@code now}. */
    public static List<ChangeEvent> diff(Set<String> before, List<Finding> after, long now) {
        List<ChangeEvent> out = new ArrayList<>();
        for (Finding f : after) {
            if (f.status() == Status.EVIDENCE_OF_CONFORMITY) continue;
            boolean known = false;
            for (String k : keys(f)) {
                if (before.contains(k)) {
                    known = true;
                    break;
                }
            }
            if (!known) out.add(event(f, now));
        }
        return out;
    }

    /** asset: the first affected asset; subject: the rule id; new: "status severity: summary" (bounded). */
    static ChangeEvent event(Finding f, long now) {
        String text = f.status().word + " " + f.severity() + ": " + f.summary();
        if (text.length() > MAX_TEXT) text = text.substring(0, MAX_TEXT - 3) + "...";
        return new ChangeEvent(now, ChangeEvent.NEW_FINDING, f.assets().isEmpty() ? null : f.assets().get(0), f.ruleId(), null, text);
    }
}
