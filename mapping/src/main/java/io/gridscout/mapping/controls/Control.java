package io.gridscout.mapping.controls;

/**
 * One control or requirement id of a catalog. {@code title} is our own short paraphrase (never standard text);
 * {@code verified} is false where the id or subject could not be confirmed from public sources.
 */
public record Control(String standard, String id, String theme, boolean verified, String title) {}
