package io.gridscout.mapping.controls;

/**
 * One control or requirement id of a catalog. {@code title} is our own short paraphrase (never standard text);
 * {@code verified} is false where the id or subject could not be confirmed from public sources.
 */
public record Control(String standard, String id, String theme, boolean verified, String title) {
    /**
     * The id with an explicit namespace, so that numbers of different documents cannot be confused:
     * {@code 27001:2022 A.8.20}, {@code 27019:2024 ENR 8.37}, {@code 27001:2013 A.12.4.1}, {@code 27019:2017 ENR 11.1.7};
     * an ENR control whose 2017 number is not known is shown by subject ("27019:2017 ENR (legacy systems), number unverified").
     */
    public String ref() {
        boolean enr = title.startsWith("ENR");
        return switch (standard) {
            case ControlCatalog.ISO27019_2024 -> enr ? "27019:2024 ENR " + id : "27001:2022 A." + id;
            case ControlCatalog.ISO27019_2017 -> {
                if (id.startsWith("A.")) yield "27001:2013 " + id;
                if (id.startsWith("ENR-")) yield "27019:2017 ENR (" + id.substring(4).replace('-', ' ') + " systems), number unverified";
                yield "27019:2017 ENR " + id + (verified ? "" : " (number unverified)");
            }
            case ControlCatalog.IEC62443_3_3 -> "IEC 62443-3-3 " + id;
            default -> "NERC " + id;
        };
    }
}
