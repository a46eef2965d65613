package io.gridscout.mapping.evidence;

/**
 * How a finding bears on its controls. ISO 27001/27019 are risk-based: a nonconformity here is a candidate the
 * auditor confirms against the risk treatment; an observation is a fact worth review; evidence of conformity is
 * positive operating evidence for the window observed.
 */
public enum Status {
    NONCONFORMITY("nonconformity"), OBSERVATION("observation"), EVIDENCE_OF_CONFORMITY("evidence-of-conformity");

    public final String word;

    Status(String word) {
        this.word = word;
    }
}
