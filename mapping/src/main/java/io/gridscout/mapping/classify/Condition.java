package io.gridscout.mapping.classify;

import io.gridscout.mapping.inventory.Inventory;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** One test over an asset's decoded facts. Each kind is one line form of the rules file (see rules.txt). */
public sealed interface Condition {
    boolean test(AssetView a);

    /** {@code protocol/role} with {@code *} for either part. */
    record ServicePattern(String protocol, String role) {
        boolean matches(String p, String r) {
            return (protocol.equals("*") || protocol.equals(p)) && (role.equals("*") || role.equals(r));
        }

        static boolean any(List<ServicePattern> ps, String p, String r) {
            for (ServicePattern sp : ps) if (sp.matches(p, r)) return true;
            return false;
        }
    }

    /** {@code service P/R[,P/R...]}: the asset plays at least one of these roles. */
    record HasService(List<ServicePattern> patterns) implements Condition {
        public boolean test(AssetView a) {
            for (Inventory.Service s : a.asset().services()) if (ServicePattern.any(patterns, s.protocol(), s.role())) return true;
            return false;
        }
    }

    /** {@code only-services P/R[,...]}: the asset has services and every one matches (no other role). */
    record OnlyServices(List<ServicePattern> patterns) implements Condition {
        public boolean test(AssetView a) {
            if (a.asset().services().isEmpty()) return false;
            for (Inventory.Service s : a.asset().services()) if (!ServicePattern.any(patterns, s.protocol(), s.role())) return false;
            return true;
        }
    }

    enum Compare {
        GE(">="), GT(">"), LE("<="), LT("<"), EQ("=");

        final String symbol;

        Compare(String symbol) {
            this.symbol = symbol;
        }

        boolean holds(long value, long bound) {
            return switch (this) {
                case GE -> value >= bound;
                case GT -> value > bound;
                case LE -> value <= bound;
                case LT -> value < bound;
                case EQ -> value == bound;
            };
        }

        static Compare of(String s) {
            for (Compare c : values()) if (c.symbol.equals(s)) return c;
            return null;
        }
    }

    /**
     * {@code client-of OP N [protocol P,...]} (distinct servers this asset is a client of) and
     * {@code server-for OP N [protocol P,...]} (distinct clients); no protocol list means any protocol.
     */
    record PeerCount(boolean asClient, Compare op, long bound, Set<String> protocols) implements Condition {
        public boolean test(AssetView a) {
            Set<String> peers = new HashSet<>();
            for (Inventory.Communication c : a.comms(asClient)) {
                if (protocols.isEmpty() || protocols.contains(c.protocol())) peers.add(asClient ? c.server() : c.client());
            }
            return op.holds(peers.size(), bound);
        }
    }

    /**
     * {@code operation-kind K[,K] as client|server [protocol P,...]} or {@code operation NAME[,NAME] as ...}:
     * the asset issued (as client) or received (as server) at least one such operation.
     */
    record HasOperation(boolean byKind, Set<String> values, boolean asClient, Set<String> protocols) implements Condition {
        public boolean test(AssetView a) {
            for (Inventory.Communication c : a.comms(asClient)) {
                if (!protocols.isEmpty() && !protocols.contains(c.protocol())) continue;
                for (Inventory.Operation o : c.operations()) {
                    String v = byKind ? o.kind() : o.name().toLowerCase(Locale.ROOT);
                    if (values.contains(v) && o.count() > 0) return true;
                }
            }
            return false;
        }
    }

    /** How a value is compared: present (any value), equal ignoring case, or a regex found in the value. */
    record ValueTest(String equals, Pattern regex) {
        static final ValueTest PRESENT = new ValueTest(null, null);

        boolean test(Object value) {
            if (value == null) return false;
            String s = value.toString();
            if (equals != null) return equals.equalsIgnoreCase(s);
            if (regex != null) return regex.matcher(s).find();
            return true;
        }
    }

    /**
     * {@code attribute NAME[,NAME] [from SOURCE] present|= VALUE|matches REGEX}; SOURCE is exact or a prefix
     * ending in {@code *} (e.g. {@code sunspec.*}).
     */
    record HasAttribute(Set<String> names, String source, ValueTest value) implements Condition {
        public boolean test(AssetView a) {
            for (Inventory.Attribute at : a.asset().attributes()) {
                if (!names.contains(at.name()) || !sourceMatches(at.source())) continue;
                if (value.test(at.value())) return true;
            }
            return false;
        }

        private boolean sourceMatches(String s) {
            if (source == null) return true;
            if (s == null) return false;
            return source.endsWith("*") ? s.startsWith(source.substring(0, source.length() - 1)) : s.equals(source);
        }
    }

    /** {@code detail P/R NAME present|= VALUE|matches REGEX}: a service detail set holds a matching value. */
    record HasDetail(List<ServicePattern> services, String name, ValueTest value) implements Condition {
        public boolean test(AssetView a) {
            for (Inventory.Service s : a.asset().services()) {
                if (!ServicePattern.any(services, s.protocol(), s.role())) continue;
                List<Object> values = s.details().get(name);
                if (values == null) continue;
                for (Object v : values) if (value.test(v)) return true;
            }
            return false;
        }
    }
}
