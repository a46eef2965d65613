package io.gridscout.mapping.evidence;

/** One evidence rule: reads the context, adds findings. Metadata and control mappings live in rules.txt. */
public interface Rule {
    String id();

    /** Returns null when the rule ran, or why it could not (missing context) for the report's coverage section. */
    String evaluate(EvidenceContext ctx, Findings out);
}
