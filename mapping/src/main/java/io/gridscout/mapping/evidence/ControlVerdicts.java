package io.gridscout.mapping.evidence;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The roll-up from findings to one control's state, in this order: any nonconformity among the control's findings
 * → nonconformity; any observation → observation; every rule mapped to it evaluated, and one of them positively
 * demonstrating the control's objective over the whole observed scope (a whole-scope positive finding of a rule
 * whose DEMO line in rules.txt names the control) → evidence-of-conformity; every rule evaluated, at least one
 * with something in its scope, nothing found → no-exception-observed (with the coverage it rests on); a rule not
 * evaluated (missing register, site file, window too short) → not-evaluated (with the reason); otherwise (no rule
 * maps to it, or nothing in the pack was in any rule's scope) → not-assessable. One allowed source, one secured
 * server or the tool having run is never conformity of a control.
 */
public final class ControlVerdicts {
    public static final String NONCONFORMITY = "nonconformity";
    public static final String OBSERVATION = "observation";
    public static final String EVIDENCE_OF_CONFORMITY = "evidence-of-conformity";
    public static final String NO_EXCEPTION_OBSERVED = "no-exception-observed";
    public static final String NOT_EVALUATED = "not-evaluated";
    public static final String NOT_ASSESSABLE = "not-assessable";

    /** The states in roll-up order, each in plain words (the report's legend). */
    public static final Map<String, String> LEGEND;

    static {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(NONCONFORMITY, "At least one finding in this pack contradicts the control: a candidate nonconformity for the auditor to confirm against the risk treatment.");
        m.put(OBSERVATION, "No contradiction, but at least one fact in this pack deserves review against the control.");
        m.put(EVIDENCE_OF_CONFORMITY, "A rule showed the control's technical objective held for everything it could observe in this pack (e.g. every control command on every observed conduit was authenticated). It says nothing beyond the captured segments and window.");
        m.put(NO_EXCEPTION_OBSERVED, "Every rule the control rests on ran and found nothing, over the coverage shown. Absence of a finding is not proof of conformity.");
        m.put(NOT_EVALUATED, "A rule the control rests on could not run (missing register, site file or monitoring declaration, or a window too short); the reason is shown.");
        m.put(NOT_ASSESSABLE, "No passive network rule bears on this control (policy, people, physical, supplier, management), or nothing in this pack was within the scope of its rules.");
        LEGEND = java.util.Collections.unmodifiableMap(m);
    }

    private ControlVerdicts() {}

    /**
     * One rule a control rests on: whether it ran (else why not), how much it examined, what it found for this
     * control, whether it demonstrated the control's objective, and what it cannot show.
     */
    public record Basis(String ruleId, boolean evaluated, String notEvaluatedReason, long examined, String examinedWhat,
                        int nonconformities, int observations, boolean demonstrated, String cannotShow) {
        public String coverage() {
            if (!evaluated) return ruleId + ": not evaluated (" + notEvaluatedReason + ")";
            if (examined == 0) return ruleId + ": nothing in scope" + (examinedWhat.isEmpty() ? "" : " (no " + examinedWhat + ")");
            return ruleId + ": " + examined + " " + examinedWhat + " examined";
        }
    }

    public record Verdict(String controlId, String state, String reason, String coverage, List<Basis> restsOn) {
        public Verdict {
            restsOn = List.copyOf(restsOn);
        }
    }

    public static Verdict of(String standard, String controlId, EvidenceEngine.Result result) {
        List<String> rules = RuleCatalog.get().rulesFor(standard, controlId);
        if (rules.isEmpty()) return new Verdict(controlId, NOT_ASSESSABLE, "no passive network rule maps to this control", "", List.of());
        List<Basis> bases = new ArrayList<>();
        int nc = 0, obs = 0;
        boolean allEvaluated = true, anyExamined = false, demonstrated = false;
        List<String> missing = new ArrayList<>();
        for (String rule : rules) {
            RuleInfo info = RuleCatalog.get().rule(rule);
            int rnc = 0, robs = 0;
            boolean rdemo = false;
            for (Finding f : result.findings()) {
                if (!f.ruleId().equals(rule) || !f.controls().getOrDefault(standard, List.of()).contains(controlId)) continue;
                if (f.status() == Status.NONCONFORMITY) rnc++;
                else if (f.status() == Status.OBSERVATION) robs++;
                else if (f.wholeScope() && info.demonstrates(standard, controlId)) rdemo = true;
            }
            String why = result.notEvaluated().get(rule);
            Findings.Coverage cov = result.coverage().get(rule);
            long examined = cov == null ? 0 : cov.examined();
            if (why != null) {
                allEvaluated = false;
                missing.add(rule + ": " + why);
            } else if (examined > 0 || rnc + robs > 0 || rdemo) anyExamined = true;
            nc += rnc;
            obs += robs;
            demonstrated |= rdemo;
            bases.add(new Basis(rule, why == null, why, examined, cov == null ? "" : cov.what(), rnc, robs, rdemo, info.cannotShow()));
        }
        StringBuilder c = new StringBuilder();
        for (Basis b : bases) {
            if (c.length() > 0) c.append("; ");
            c.append(b.coverage());
        }
        String coverage = c.toString();
        if (nc > 0) return new Verdict(controlId, NONCONFORMITY, nc + " nonconformity finding(s)" + (obs > 0 ? " and " + obs + " observation(s)" : ""), coverage, bases);
        if (obs > 0) return new Verdict(controlId, OBSERVATION, obs + " observation(s)", coverage, bases);
        if (allEvaluated && demonstrated) {
            List<String> by = bases.stream().filter(Basis::demonstrated).map(Basis::ruleId).toList();
            return new Verdict(controlId, EVIDENCE_OF_CONFORMITY, "demonstrated over the whole observed scope by " + String.join(", ", by), coverage, bases);
        }
        if (allEvaluated && anyExamined) return new Verdict(controlId, NO_EXCEPTION_OBSERVED, "every rule ran and found nothing", coverage, bases);
        if (!allEvaluated) return new Verdict(controlId, NOT_EVALUATED, String.join("; ", missing), coverage, bases);
        return new Verdict(controlId, NOT_ASSESSABLE, "nothing in this pack was within the scope of the rules the control rests on", coverage, bases);
    }
}
