package io.gridscout.mapping.controls;

import io.gridscout.mapping.evidence.RuleCatalog;
import io.gridscout.mapping.evidence.RuleInfo;
import io.gridscout.mapping.evidence.Rules;
import io.gridscout.mapping.evidence.Rule;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class ControlCatalogTest {
    private final ControlCatalog cat = ControlCatalog.get();

    @Test
    void editionsHaveTheExpectedShape() {
        // 27002:2022 has 93 controls; 27019:2024 appends 12 ENR controls (2 + 4 + 6)
        assertThat(cat.controls(ControlCatalog.ISO27019_2024)).hasSize(105);
        assertThat(cat.controls(ControlCatalog.ISO27019_2024).stream().filter(c -> c.title().startsWith("ENR"))).hasSize(12);
        // 27002:2013 has 114 controls; our 2017 list adds 12 ENR ids
        assertThat(cat.controls(ControlCatalog.ISO27019_2017).stream().filter(c -> c.id().startsWith("A."))).hasSize(114);
        assertThat(cat.controls(ControlCatalog.IEC62443_3_3)).hasSize(51);
        assertThat(cat.control(ControlCatalog.ISO27019_2024, "8.24").theme()).isEqualTo("technological");
        assertThat(cat.control(ControlCatalog.ISO27019_2017, "A.10.1.1")).isNotNull();
        assertThat(cat.versions()).containsKeys(ControlCatalog.STANDARDS.toArray(String[]::new));
    }

    @Test
    void idsAreUniqueAndEntriesComplete() {
        for (String std : ControlCatalog.STANDARDS) {
            List<Control> cs = cat.controls(std);
            assertThat(cs).as(std).isNotEmpty();
            assertThat(cs.stream().map(Control::id).collect(Collectors.toSet())).hasSize(cs.size());
            for (Control c : cs) {
                assertThat(c.theme()).as(c.id()).isNotBlank();
                assertThat(c.title()).as(c.id()).isNotBlank().hasSizeLessThan(90);
            }
        }
    }

    @Test
    void everyRelationPointsToExistingIdsAndEvery2017ControlHasASuccessor() {
        Set<String> mapped = new HashSet<>();
        for (Relation r : cat.relations()) {
            assertThat(cat.control(r.fromStandard(), r.from())).as(r.toString()).isNotNull();
            assertThat(cat.control(r.toStandard(), r.to())).as(r.toString()).isNotNull();
            assertThat(r.basis()).isIn("B", "J", "ENR");
            mapped.add(r.from());
        }
        for (Control c : cat.controls(ControlCatalog.ISO27019_2017)) assertThat(mapped).as(c.id()).contains(c.id());
        // the 2024 ENR controls all have a 2017 predecessor except least functionality and emergency communication
        Set<String> targets = cat.relations().stream().map(Relation::to).collect(Collectors.toSet());
        assertThat(targets).contains("5.38", "5.39", "7.15", "7.16", "7.17", "7.18", "8.35", "8.36", "8.37", "8.38").doesNotContain("8.39", "8.40");
    }

    @Test
    void everyRuleMapsToExistingControlsInBothEditionsAndHasCode() {
        List<RuleInfo> rules = RuleCatalog.get().rules();
        assertThat(rules).hasSizeGreaterThanOrEqualTo(15);
        for (RuleInfo r : rules) {
            for (String std : ControlCatalog.STANDARDS) {
                assertThat(r.controlIds(std)).as(r.id() + " " + std).isNotEmpty();
                for (String id : r.controlIds(std)) assertThat(cat.control(std, id)).as(r.id() + " -> " + std + " " + id).isNotNull();
            }
            assertThat(r.severity()).isIn("high", "medium", "low", "info");
            assertThat(r.needs()).isIn("none", "register", "site");
        }
        assertThat(Rules.all().stream().map(Rule::id)).containsExactlyInAnyOrderElementsOf(rules.stream().map(RuleInfo::id).toList());
    }

    @Test
    void standardNamesNormalise() {
        assertThat(ControlCatalog.normaliseStandard("27019:2017")).isEqualTo(ControlCatalog.ISO27019_2017);
        assertThat(ControlCatalog.normaliseStandard("ISO/IEC 27019:2024")).isEqualTo(ControlCatalog.ISO27019_2024);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ControlCatalog.normaliseStandard("27001")).isInstanceOf(IllegalArgumentException.class);
    }
}
