package io.gridscout.mapping.classify;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The rules file is validated strictly: every mistake is an error that names its line. */
class RuleParserTest {
    private static final String HEAD = "# site rules\nrule r1\nclass plc\nconfidence 0.5\n";

    static List<Rule> parse(String text) throws IOException {
        return RuleParser.parse("site.rules", new StringReader(text));
    }

    @Test
    void parsesAllForms() throws IOException {
        List<Rule> rules = parse("""
                rule everything
                class ied
                confidence 1
                note first
                note second
                when service goose/publisher,sv/*
                when only-services goose/*,tcp/server
                when client-of < 5 protocol modbus
                when server-for = 0
                when operation-kind program,write as server
                when operation Write as client
                when attribute vendor,model from abb.* = ABB  Ltd
                when detail */* iedName matches ^AA\\d+ .*$
                unless attribute sunspecModels present
                """);
        assertThat(rules).hasSize(1);
        Rule r = rules.get(0);
        assertThat(r.id()).isEqualTo("everything");
        assertThat(r.deviceClass()).isEqualTo("ied");
        assertThat(r.confidence()).isEqualTo(1.0);
        assertThat(r.note()).isEqualTo("first second");
        assertThat(r.when()).hasSize(8);
        assertThat(r.unless()).hasSize(1);
        assertThat(r.line()).isEqualTo(1);
        assertThat(r.when().get(6)).isEqualTo(new Condition.HasAttribute(java.util.Set.of("vendor", "model"), "abb.*",
                new Condition.ValueTest("ABB  Ltd", null)));   // the value keeps inner spaces
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "unknown keyword              | when service a/b\\nweight 3                         | 6 | unknown keyword 'weight'",
            "unknown class                | when service a/b\\nrule r2\\nclass router            | 7 | unknown class 'router'",
            "class unknown is a result    | when service a/b\\nrule r2\\nclass unknown          | 7 | unknown class 'unknown'",
            "confidence above 1           | when service a/b\\nrule r2\\nclass plc\\nconfidence 1.5 | 8 | confidence must be",
            "confidence not a number      | when service a/b\\nrule r2\\nclass plc\\nconfidence high | 8 | confidence must be",
            "unknown condition            | when port 502                                       | 5 | unknown condition 'port'",
            "service without role         | when service modbus                                 | 5 | expected protocol/role",
            "unknown operation kind       | when operation-kind upload as client                | 5 | unknown operation kind 'upload'",
            "operation without side       | when operation-kind program                         | 5 | expected 'as client'",
            "bad comparison               | when client-of => 3                                 | 5 | expected a comparison",
            "count not a number           | when client-of >= many                              | 5 | expected a whole number",
            "junk after a list            | when client-of >= 3 protocols modbus                | 5 | expected 'protocol",
            "trailing junk                | when service a/b extra                              | 5 | unexpected 'extra'",
            "bad regex                    | when attribute vendor matches ([a-z                 | 5 | bad regex",
            "attribute without test       | when attribute vendor                               | 5 | expected 'present'",
            "duplicate id                 | when service a/b\\nrule r1                           | 6 | duplicate rule id 'r1'",
            "second class                 | class rtu                                           | 5 | already has a class",
            "rule without when            | unless service a/b                                  | 2 | has no 'when' condition",
    })
    void errorsNameTheLine(String name, String body, int line, String message) {
        String text = HEAD + body.strip().replace("\\n", "\n") + "\n";
        assertThatThrownBy(() -> parse(text)).isInstanceOf(RuleFileException.class)
                .hasMessageStartingWith("site.rules:" + line + ": ").hasMessageContaining(message)
                .satisfies(e -> assertThat(((RuleFileException) e).line()).isEqualTo(line));
    }

    @Test
    void toleratesBomAndWindowsLineEnds() throws IOException {
        List<Rule> rules = parse("\uFEFFrule a\r\nclass plc\r\nconfidence 0.5\r\nwhen service a/b\r\n");
        assertThat(rules).extracting(Rule::id).containsExactly("a");
    }

    @Test
    void keywordBeforeFirstRule() {
        assertThatThrownBy(() -> parse("class plc\n")).isInstanceOf(RuleFileException.class)
                .hasMessage("site.rules:1: 'class' before the first 'rule' line");
    }

    @Test
    void ruleWithoutClassOrConfidenceNamesItsRuleLine() {
        assertThatThrownBy(() -> parse("\n\nrule a\nconfidence 0.3\nwhen service a/b\n"))
                .hasMessage("site.rules:3: rule 'a' (line 3) has no class");
        assertThatThrownBy(() -> parse("rule a\nclass plc\nwhen service a/b\nrule b\n"))
                .hasMessage("site.rules:1: rule 'a' (line 1) has no confidence");
    }

    @Test
    void badOperatorFileFailsLoad(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("bad.rules");
        Files.writeString(f, "rule ok\nclass plc\nconfidence 0.5\nwhen service a/b\n\nrule typo\nclass plc\nconfidance 0.5\n");
        assertThatThrownBy(() -> Classifier.load(f)).isInstanceOf(RuleFileException.class)
                .hasMessage(f + ":8: unknown keyword 'confidance' (rule, class, confidence, note, when, unless)");
    }
}
