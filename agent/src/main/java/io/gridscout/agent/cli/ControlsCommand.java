package io.gridscout.agent.cli;

import io.gridscout.agent.evidence.EvidenceReport;
import io.gridscout.mapping.controls.Control;
import io.gridscout.mapping.controls.ControlCatalog;
import io.gridscout.mapping.controls.Relation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code gridscout controls [--standard 27019:2024|27019:2017|62443-3-3|nerc-cip]}: the catalog and how each control is evidenced. */
@Command(name = "controls", mixinStandardHelpOptions = true,
        description = "List a control catalog with the evidence rules that cover each control (or not-assessable).")
public final class ControlsCommand implements Callable<Integer> {
    @Option(names = "--standard", paramLabel = "STD", defaultValue = "27019:2024",
            description = "27019:2024 (default), 27019:2017, 62443-3-3 or nerc-cip")
    String standard;

    @Override
    public Integer call() {
        String std;
        try {
            std = ControlCatalog.normaliseStandard(standard);
        } catch (IllegalArgumentException e) {
            System.err.println("gridscout: " + e.getMessage());
            return 2;
        }
        PrintStream out = System.out;
        ControlCatalog cat = ControlCatalog.get();
        out.println("# " + std + " catalog " + cat.versions().get(std) + "; titles are our paraphrases; * = not verified from public sources");
        for (Control c : cat.controls(std)) {
            List<String> also = new ArrayList<>();
            for (Relation r : cat.relations()) {
                if (r.fromStandard().equals(std) && r.from().equals(c.id())) also.add(r.to());
                if (r.toStandard().equals(std) && r.to().equals(c.id())) also.add(r.from());
            }
            out.println(c.id() + "\t" + c.theme() + "\t" + c.title() + (c.verified() ? "" : " *") + "\t"
                    + EvidenceReport.evidencedBy(std, c.id()) + (also.isEmpty() ? "" : "\t" + (std.equals(ControlCatalog.ISO27019_2017) ? "2024: " : "2017: ") + String.join(",", also)));
        }
        return 0;
    }
}
