package io.gridscout.mapping.classify;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads the line format of rules files (documented at the top of the built-in rules.txt). Strict: an unknown
 * keyword, class, operation kind or malformed condition is a {@link RuleFileException} naming the line, so a
 * typo in an operator file cannot silently turn a rule off.
 */
final class RuleParser {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Set<String> KINDS = Set.of("read", "write", "program", "control", "diagnostic", "other");

    private final String source;
    private final List<Rule> rules = new ArrayList<>();
    private final Set<String> ids = new HashSet<>();
    private Draft draft;
    private int lineNo;

    private RuleParser(String source) {
        this.source = source;
    }

    static List<Rule> parse(String source, Reader in) throws IOException {
        RuleParser p = new RuleParser(source);
        BufferedReader r = new BufferedReader(in);
        for (String line; (line = r.readLine()) != null; ) {
            p.lineNo++;
            if (p.lineNo == 1 && line.startsWith("\uFEFF")) line = line.substring(1);   // editors on Windows add a BOM
            p.line(line);
        }
        p.finish();
        return List.copyOf(p.rules);
    }

    private RuleFileException error(String message) {
        return new RuleFileException(source, lineNo, message);
    }

    private void line(String raw) {
        String line = raw.strip();
        if (line.isEmpty() || line.startsWith("#")) return;
        Tokens t = new Tokens(line);
        String keyword = t.next();
        switch (keyword) {
            case "rule" -> {
                finish();
                String id = t.next();
                if (id == null || !ID.matcher(id).matches()) throw error("rule needs an id of letters, digits, '.', '_', '-'");
                t.end();
                if (!ids.add(id)) throw error("duplicate rule id '" + id + "'");
                draft = new Draft(id, lineNo);
            }
            case "class" -> {
                Draft d = inRule(keyword);
                if (d.deviceClass != null) throw error("rule '" + d.id + "' already has a class");
                String c = t.next();
                if (c == null || !DeviceClasses.isRuleClass(c)) {
                    throw error("unknown class '" + c + "' (one of " + String.join(", ", DeviceClasses.PRIORITY) + ")");
                }
                t.end();
                d.deviceClass = c;
            }
            case "confidence" -> {
                Draft d = inRule(keyword);
                if (!Double.isNaN(d.confidence)) throw error("rule '" + d.id + "' already has a confidence");
                String v = t.next();
                double c;
                try {
                    c = v == null ? Double.NaN : Double.parseDouble(v);
                } catch (NumberFormatException e) {
                    c = Double.NaN;
                }
                if (!(c >= 0 && c <= 1)) throw error("confidence must be a number from 0 to 1, not '" + v + "'");
                t.end();
                d.confidence = c;
            }
            case "note" -> {
                Draft d = inRule(keyword);
                d.note = d.note == null ? t.rest() : d.note + " " + t.rest();
            }
            case "when" -> inRule(keyword).when.add(condition(t));
            case "unless" -> inRule(keyword).unless.add(condition(t));
            default -> throw error("unknown keyword '" + keyword + "' (rule, class, confidence, note, when, unless)");
        }
    }

    private Draft inRule(String keyword) {
        if (draft == null) throw error("'" + keyword + "' before the first 'rule' line");
        return draft;
    }

    private void finish() {
        if (draft == null) return;
        Draft d = draft;
        draft = null;
        String where = "rule '" + d.id + "' (line " + d.line + ") ";
        if (d.deviceClass == null) throw new RuleFileException(source, d.line, where + "has no class");
        if (Double.isNaN(d.confidence)) throw new RuleFileException(source, d.line, where + "has no confidence");
        if (d.when.isEmpty()) throw new RuleFileException(source, d.line, where + "has no 'when' condition");
        rules.add(new Rule(d.id, d.deviceClass, d.confidence, d.when, d.unless, d.note, source, d.line));
    }

    private Condition condition(Tokens t) {
        String kind = t.next();
        if (kind == null) throw error("condition missing after when/unless");
        Condition c = switch (kind) {
            case "service" -> new Condition.HasService(services(t.next()));
            case "only-services" -> new Condition.OnlyServices(services(t.next()));
            case "client-of", "server-for" -> peerCount(kind.equals("client-of"), t);
            case "operation-kind", "operation" -> operation(kind.equals("operation-kind"), t);
            case "attribute" -> attribute(t);
            case "detail" -> {
                List<Condition.ServicePattern> s = services(t.next());
                String name = t.next();
                if (name == null) throw error("detail needs a detail name");
                yield new Condition.HasDetail(s, name, valueTest(t));
            }
            default -> throw error("unknown condition '" + kind
                    + "' (service, only-services, client-of, server-for, operation-kind, operation, attribute, detail)");
        };
        t.end();
        return c;
    }

    private List<Condition.ServicePattern> services(String list) {
        if (list == null) throw error("expected protocol/role[,protocol/role...]");
        List<Condition.ServicePattern> out = new ArrayList<>();
        for (String item : list.split(",", -1)) {
            int slash = item.indexOf('/');
            if (slash <= 0 || slash == item.length() - 1 || item.indexOf('/', slash + 1) >= 0) {
                throw error("expected protocol/role, not '" + item + "'");
            }
            out.add(new Condition.ServicePattern(item.substring(0, slash), item.substring(slash + 1)));
        }
        return out;
    }

    private Condition peerCount(boolean asClient, Tokens t) {
        String opText = t.next();
        Condition.Compare op = opText == null ? null : Condition.Compare.of(opText);
        if (op == null) throw error("expected a comparison >=, >, <=, < or =, not '" + opText + "'");
        String n = t.next();
        long bound;
        try {
            bound = Long.parseLong(n == null ? "" : n);
        } catch (NumberFormatException e) {
            throw error("expected a whole number, not '" + n + "'");
        }
        if (bound < 0) throw error("count must not be negative");
        return new Condition.PeerCount(asClient, op, bound, protocols(t));
    }

    private Condition operation(boolean byKind, Tokens t) {
        String list = t.next();
        if (list == null) throw error(byKind ? "expected operation kinds" : "expected operation names");
        Set<String> values = new LinkedHashSet<>();
        for (String v : list.split(",", -1)) {
            String lv = v.toLowerCase(Locale.ROOT);
            if (lv.isEmpty()) throw error("empty item in '" + list + "'");
            if (byKind && !KINDS.contains(lv)) throw error("unknown operation kind '" + v + "' (one of " + String.join(", ", KINDS) + ")");
            values.add(lv);
        }
        if (!"as".equals(t.next())) throw error("expected 'as client' or 'as server'");
        String side = t.next();
        if (!"client".equals(side) && !"server".equals(side)) throw error("expected 'as client' or 'as server'");
        return new Condition.HasOperation(byKind, Set.copyOf(values), side.equals("client"), protocols(t));
    }

    private Set<String> protocols(Tokens t) {
        String kw = t.next();
        if (kw == null) return Set.of();
        if (!kw.equals("protocol")) throw error("expected 'protocol P[,P...]', not '" + kw + "'");
        String list = t.next();
        if (list == null) throw error("expected protocol names after 'protocol'");
        Set<String> out = new HashSet<>();
        for (String p : list.split(",", -1)) {
            if (p.isEmpty()) throw error("empty protocol in '" + list + "'");
            out.add(p);
        }
        return Set.copyOf(out);
    }

    private Condition attribute(Tokens t) {
        String list = t.next();
        if (list == null) throw error("attribute needs a name");
        Set<String> names = new LinkedHashSet<>();
        for (String n : list.split(",", -1)) {
            if (n.isEmpty()) throw error("empty attribute name in '" + list + "'");
            names.add(n);
        }
        String src = null;
        if ("from".equals(t.peek())) {
            t.next();
            src = t.next();
            if (src == null) throw error("expected a source after 'from'");
        }
        return new Condition.HasAttribute(Set.copyOf(names), src, valueTest(t));
    }

    private Condition.ValueTest valueTest(Tokens t) {
        String op = t.next();
        if ("present".equals(op)) return Condition.ValueTest.PRESENT;
        if ("=".equals(op) || "matches".equals(op)) {
            String v = t.rest();
            if (v.isEmpty()) throw error("expected a value after '" + op + "'");
            if (op.equals("=")) return new Condition.ValueTest(v, null);
            try {
                return new Condition.ValueTest(null, Pattern.compile(v));
            } catch (PatternSyntaxException e) {
                throw error("bad regex '" + v + "': " + e.getDescription());
            }
        }
        throw error("expected 'present', '= VALUE' or 'matches REGEX', not '" + op + "'");
    }

    private static final class Draft {
        final String id;
        final int line;
        final List<Condition> when = new ArrayList<>(), unless = new ArrayList<>();
        String deviceClass, note;
        double confidence = Double.NaN;

        Draft(String id, int line) {
            this.id = id;
            this.line = line;
        }
    }

    /** Whitespace-separated words of one line, with the raw remainder available for values and regexes. */
    private final class Tokens {
        private final String line;
        private int pos;

        Tokens(String line) {
            this.line = line;
        }

        private void skip() {
            while (pos < line.length() && Character.isWhitespace(line.charAt(pos))) pos++;
        }

        String peek() {
            int save = pos;
            String s = next();
            pos = save;
            return s;
        }

        String next() {
            skip();
            if (pos >= line.length()) return null;
            int start = pos;
            while (pos < line.length() && !Character.isWhitespace(line.charAt(pos))) pos++;
            return line.substring(start, pos);
        }

        String rest() {
            skip();
            String s = line.substring(pos).strip();
            pos = line.length();
            return s;
        }

        void end() {
            String extra = next();
            if (extra != null) throw error("unexpected '" + extra + "' at the end of the line");
        }
    }
}
