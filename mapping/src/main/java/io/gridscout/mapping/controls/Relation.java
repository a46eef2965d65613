package io.gridscout.mapping.controls;

/**
 * A correspondence between two catalog entries, e.g. 27019:2017 A.8.1.1 to 27019:2024 5.9. {@code basis} names
 * where it comes from: B (27002:2022 Annex B as publicly reproduced), ENR (successor per public 27019:2024
 * summaries), J (our judgement).
 */
public record Relation(String fromStandard, String from, String toStandard, String to, String basis) {}
