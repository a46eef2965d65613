package io.gridscout.mapping.inventory;

import io.gridscout.mapping.classify.Classification;
import io.gridscout.mapping.classify.Classifier;
import io.gridscout.mapping.oui.OuiRegistry;
import io.gridscout.protocols.fact.Confidence;
import io.gridscout.protocols.fact.Endpoint;
import io.gridscout.protocols.fact.Fact;
import io.gridscout.protocols.fact.FactSink;
import io.gridscout.protocols.fact.IpAddr;
import io.gridscout.protocols.fact.Mac;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns facts into an inventory. Hosts are tracked per IP address (and per MAC for senders without IP);
 * {@link #snapshot} groups them into one asset per physical device: IP hosts whose frames carry a MAC that no
 * other IPv4 address uses are one device, while a MAC carrying many IPv4 addresses (a router) merges nothing.
 *
 * <p>Bounded: host and communication tables have caps; when full, hosts that spoke an industrial protocol
 * displace hosts that did not, and everything refused is counted.
 */
public final class InventoryBuilder implements FactSink {
    public record Limits(int maxHosts, int maxCommunications, int maxValuesPerDetail, int maxAttributeValues) {
        public static Limits defaults() {
            return new Limits(100_000, 200_000, 256, 16);
        }
    }

    private static final Set<String> GENERIC = Set.of("tcp", "udp");
    private static final Set<String> CLIENT_ROLES = Set.of("client", "master");

    private final Limits limits;
    private final Map<IpAddr, Host> ipHosts = new LinkedHashMap<>();
    private final Map<Long, Host> macHosts = new LinkedHashMap<>();
    private final Map<Long, MacInfo> macInfo = new HashMap<>();
    private long lastInfoMac = Mac.NONE;
    private MacInfo lastInfo;
    private static final int MAX_PENDING_NAME_ADDRESSES = 4096;
    private final Map<IpAddr, List<Fact.Identity>> pendingNames = new LinkedHashMap<>();
    private final Map<CommKey, Comm> comms = new HashMap<>();
    private final List<Inventory.CaptureSummary> captures = new ArrayList<>();
    /** Counter name -> count; a hash map of cells because some counters move with most conversations. */
    private final Map<String, long[]> counters = new HashMap<>();
    private final Classifier classifier;

    public InventoryBuilder() {
        this(Limits.defaults());
    }

    public InventoryBuilder(Limits limits) {
        this(limits, Classifier.builtIn());
    }

    /** With a classifier carrying operator rules ({@link Classifier#load}). */
    public InventoryBuilder(Limits limits, Classifier classifier) {
        this.limits = limits;
        this.classifier = classifier;
    }

    public void addCapture(Inventory.CaptureSummary c) {
        captures.add(c);
    }

    public void count(String counter, long n) {
        counters.computeIfAbsent(counter, k -> new long[1])[0] += n;
    }

    // ------------------------------------------------------------------ restore

    /**
     * Re-seeds an empty builder from a stored snapshot so a restarted agent continues where it stopped: each
     * asset becomes its hosts again (one per IP, or one per MAC for L2-only assets) carrying the asset's services,
     * attributes and MACs; communications are re-attached between the assets' primary hosts. Attributes the
     * snapshot derives itself (the OUI vendor) are not restored. A later {@link #snapshot} reproduces the input.
     */
    public void restore(Inventory inv) {
        if (!ipHosts.isEmpty() || !macHosts.isEmpty() || !comms.isEmpty()) throw new IllegalStateException("restore needs an empty builder");
        captures.addAll(inv.captures());
        inv.counters().forEach((k, v) -> counters.put(k, new long[] {v}));
        Map<String, Host> primary = new HashMap<>();
        for (Inventory.Asset a : inv.assets()) {
            List<Long> macs = new ArrayList<>();
            for (String m : a.macs()) macs.add(Mac.parse(m));
            List<Host> hosts = new ArrayList<>();
            for (String ip : a.ips()) {
                IpAddr addr = IpAddr.parse(ip);
                Host h = ipHosts.computeIfAbsent(addr, k -> new Host(k, Mac.NONE));
                for (long m : macs) {
                    if (h.macs.size() < 8 && h.macs.add(m)) {
                        MacInfo mi = macInfo(m);
                        if (mi.ips.size() < 64) mi.ips.add(addr); else mi.overflow = true;
                    }
                }
                hosts.add(h);
            }
            if (hosts.isEmpty()) for (long m : macs) hosts.add(macHosts.computeIfAbsent(m, k -> new Host(null, k)));
            if (hosts.isEmpty()) continue;
            Host main = hosts.get(0);
            for (Host h : hosts) {
                if (h.ip != null && h.ip.toString().equals(a.id())) main = h;
                h.seen(a.firstSeen(), a.lastSeen());
            }
            for (Inventory.Service s : a.services()) {
                main.industrial |= !GENERIC.contains(s.protocol());
                ServiceState st = main.service(s.protocol(), s.transport(), s.port(), s.role());
                st.seen(a.firstSeen());
                st.seen(a.lastSeen());
                s.details().forEach((name, values) -> {
                    Set<Object> set = st.details.computeIfAbsent(name, k -> new TreeSet<>(InventoryBuilder::compareValues));
                    for (Object v : values) set.add(v instanceof Number n ? (Object) n.longValue() : v);
                });
            }
            for (Inventory.Attribute at : a.attributes()) {
                if ("oui".equals(at.source())) continue;
                AttrValue v = new AttrValue(at.name(), at.value(), at.source(), at.confidence(), at.firstSeen());
                v.last = at.lastSeen();
                main.attributes.add(v);
                main.industrial = true;
            }
            primary.put(a.id(), main);
        }
        for (Inventory.Communication c : inv.communications()) {
            Host client = primary.get(c.client()), server = primary.get(c.server());
            if (client == null || server == null) continue;
            Comm comm = new Comm(c.firstSeen());
            comm.last = c.lastSeen();
            comm.packets = c.packets();
            comm.bytes = c.bytes();
            for (Inventory.Operation o : c.operations()) comm.ops.put(List.of(o.code(), o.name(), o.kind()), new long[] {o.count()});
            for (Inventory.Detail d : c.details()) comm.details.put(List.of(d.name(), d.value()), new long[] {d.count()});
            comms.put(new CommKey(client, server, c.protocol(), c.transport(), c.port()), comm);
        }
    }

    // ------------------------------------------------------------------ facts

    @Override
    public void accept(Fact fact) {
        if (fact instanceof Fact.Conversation c) conversation(c);
        else if (fact instanceof Fact.HostSeen h) hostSeen(h);
        else if (fact instanceof Fact.Service s) service(s);
        else if (fact instanceof Fact.ServiceDetail d) serviceDetail(d);
        else if (fact instanceof Fact.Identity i) identity(i);
        else if (fact instanceof Fact.Malformed m) count("malformed." + m.protocol(), 1);
    }

    /** Loopback and some tunnels carry 00:00:00:00:00:00: that names no device. */
    private static long realMac(long mac) {
        return mac == 0 ? Mac.NONE : mac;
    }

    private void hostSeen(Fact.HostSeen h) {
        if (h.ip() == null) {
            if (h.mac() == Mac.NONE || Mac.isGroup(h.mac())) return;
            Host host = macHosts.get(h.mac());
            if (host == null) {
                if (!roomForHost(false)) return;
                host = new Host(null, h.mac());
                macHosts.put(h.mac(), host);
            }
            host.seen(h.time(), h.time());
            return;
        }
        Host host = ipHost(h.ip(), h.mac(), h.time(), false);
        if (host == null || realMac(h.mac()) == Mac.NONE || Mac.isGroup(h.mac())) return;
        if ("arp".equals(h.source())) macInfo(h.mac()).arpIp = h.ip();
        else if (h.unrouted() && h.ip().isV4()) macInfo(h.mac()).unrouted(h.ip());
    }

    private void service(Fact.Service s) {
        boolean industrial = !GENERIC.contains(s.protocol());
        Host host = host(s.endpoint(), s.time(), industrial);
        if (host == null) return;
        host.industrial |= industrial;
        host.service(s.protocol(), s.transport().label(), servicePort(s.role(), s.endpoint()), s.role()).seen(s.time());
    }

    private void serviceDetail(Fact.ServiceDetail d) {
        Host host = host(d.endpoint(), d.time(), true);
        if (host == null) return;
        host.industrial = true;
        ServiceState st = host.service(d.protocol(), d.transport().label(), servicePort(d.role(), d.endpoint()), d.role());
        Set<Object> values = st.details.computeIfAbsent(d.name(), k -> new TreeSet<>(InventoryBuilder::compareValues));
        if (values.size() < limits.maxValuesPerDetail()) values.add(d.value());
        else count("detailValuesDropped", 1);
    }

    private void identity(Fact.Identity i) {
        if (isThirdPartyName(i)) {
            // a DNS answer names an address; it does not show that a device with it is on this network
            Host known = existingHost(i.endpoint());
            if (known == null) {
                pendNames(i);
                return;
            }
            attach(known, i);
            return;
        }
        Host host = host(i.endpoint(), i.time(), true);
        if (host == null) return;
        attach(host, i);
    }

    private void conversation(Fact.Conversation c) {
        boolean industrial = !GENERIC.contains(c.protocol());
        if (isGroup(c.server())) {
            count("groupConversations", 1);   // broadcast/multicast "servers" are not devices
            Host client = host(c.client(), c.time(), industrial);
            if (client != null) client.seen(c.firstSeen(), c.time());
            return;
        }
        Host client = existingHost(c.client());
        Host server = existingHost(c.server());
        if (server == null && !industrial) {
            count("unansweredConversations", 1);
            if (client != null) client.seen(c.firstSeen(), c.time());
            return;
        }
        if (client == null) client = host(c.client(), c.time(), industrial);
        if (server == null) server = host(c.server(), c.time(), industrial);
        if (client == null || server == null) return;
        client.seen(c.firstSeen(), c.time());
        server.seen(c.firstSeen(), c.time());
        CommKey key = new CommKey(client, server, c.protocol(), c.transport().label(), c.server().port());
        Comm comm = comms.get(key);
        if (comm == null) {
            if (comms.size() >= limits.maxCommunications()) {
                count("communicationsDropped", 1);
                return;
            }
            comm = new Comm(c.firstSeen());
            comms.put(key, comm);
        }
        comm.add(c);
    }

    // ------------------------------------------------------------------ hosts

    private static int servicePort(String role, Endpoint e) {
        return CLIENT_ROLES.contains(role) ? 0 : e.port();
    }

    /**
     * Multicast and broadcast destinations are not devices: by address, or by the frame's group destination MAC,
     * which also catches directed broadcasts (172.20.32.255 sent to ff:ff:ff:ff:ff:ff) whatever the netmask.
     */
    private static boolean isGroup(Endpoint e) {
        return (e.ip() != null && e.ip().isMulticastOrBroadcast()) || Mac.isGroup(e.mac());
    }

    private Host existingHost(Endpoint e) {
        return e.ip() != null ? ipHosts.get(e.ip()) : macHosts.get(e.mac());
    }

    private Host host(Endpoint e, long t, boolean industrial) {
        if (isGroup(e)) return null;
        if (e.ip() != null) return ipHost(e.ip(), e.mac(), t, industrial);
        if (e.mac() == Mac.NONE) return null;
        Host h = macHosts.get(e.mac());
        if (h == null) {
            if (!roomForHost(industrial)) return null;
            h = new Host(null, e.mac());
            macHosts.put(e.mac(), h);
            h.seen(t, t);
        }
        return h;
    }

    private Host ipHost(IpAddr ip, long mac, long t, boolean industrial) {
        if (ip.isMulticastOrBroadcast()) return null;
        mac = realMac(mac);
        Host h = ipHosts.get(ip);
        if (h == null) {
            if (!roomForHost(industrial)) return null;
            h = new Host(ip, Mac.NONE);
            ipHosts.put(ip, h);
            h.seen(t, t);
            List<Fact.Identity> names = pendingNames.isEmpty() ? null : pendingNames.remove(ip);
            if (names != null) {
                for (Fact.Identity n : names) attach(h, n);
            }
        }
        if (mac != Mac.NONE && mac != h.lastMac && !Mac.isGroup(mac)) {
            h.lastMac = mac;                 // the same MAC again (the usual case) skips the boxed set
            if (h.macs.size() < 8 && h.macs.add(mac)) {
                MacInfo mi = macInfo(mac);
                if (mi.ips.size() < 64) mi.ips.add(ip);
                else mi.overflow = true;
            }
        }
        return h;
    }

    private void attach(Host host, Fact.Identity i) {
        host.attribute(i.name(), i.value(), i.source(), i.confidence(), i.time(), limits.maxAttributeValues());
    }

    /** A name another party gave an address (DNS/mDNS/NetBIOS answers): kept for the address, never creating it. */
    private static boolean isThirdPartyName(Fact.Identity i) {
        return "dnsName".equals(i.name()) && i.endpoint().ip() != null && i.endpoint().mac() == Mac.NONE;
    }

    /** Names for addresses not heard yet wait (bounded, oldest dropped first) until the address sends or is contacted. */
    private void pendNames(Fact.Identity i) {
        IpAddr ip = i.endpoint().ip();
        if (ip.isMulticastOrBroadcast()) return;
        List<Fact.Identity> names = pendingNames.get(ip);
        if (names == null) {
            if (pendingNames.size() >= MAX_PENDING_NAME_ADDRESSES) {
                Iterator<IpAddr> oldest = pendingNames.keySet().iterator();
                oldest.next();
                oldest.remove();
                count("pendingNamesDropped", 1);
            }
            names = new ArrayList<>(2);
            pendingNames.put(ip, names);
        }
        for (Fact.Identity n : names) if (n.value().equals(i.value())) return;
        if (names.size() < 4) names.add(i);
    }

    private MacInfo macInfo(long mac) {
        // one-entry cache: consecutive facts mostly carry the same MAC (a router's, for every remote address);
        // entries are never removed from the map, so a cached one stays valid
        if (mac == lastInfoMac && lastInfo != null) return lastInfo;
        MacInfo mi = macInfo.computeIfAbsent(mac, k -> new MacInfo());
        lastInfoMac = mac;
        lastInfo = mi;
        return mi;
    }

    /** True when a new host may be added; at the cap an industrial newcomer displaces a non-industrial host. */
    private boolean roomForHost(boolean industrial) {
        if (ipHosts.size() + macHosts.size() < limits.maxHosts()) return true;
        if (industrial) {
            for (Map<?, Host> m : List.of(ipHosts, macHosts)) {
                Iterator<Host> it = m.values().iterator();
                for (int scanned = 0; it.hasNext() && scanned < 10_000; scanned++) {
                    if (!it.next().industrial) {
                        it.remove();
                        count("hostsEvicted", 1);
                        return true;
                    }
                }
            }
        }
        count("hostsDropped", 1);
        return false;
    }

    // ------------------------------------------------------------------ snapshot

    /** Builds the current inventory; the builder keeps accumulating afterwards. */
    public Inventory snapshot() {
        List<Host> all = new ArrayList<>(ipHosts.size() + macHosts.size());
        all.addAll(ipHosts.values());
        all.addAll(macHosts.values());
        Map<Host, Host> parent = new HashMap<>();
        for (Host h : all) parent.put(h, h);

        // a MAC that carries one IPv4 address (plus a few IPv6) belongs to one device: join its hosts
        Map<Long, Boolean> owned = new HashMap<>();
        for (Map.Entry<Long, MacInfo> e : macInfo.entrySet()) {
            MacInfo mi = e.getValue();
            int v4 = 0, v6 = 0;
            for (IpAddr ip : mi.ips) if (ip.isV4()) v4++; else v6++;
            boolean single = !mi.overflow && v4 <= 1 && v6 <= 3;
            owned.put(e.getKey(), single);
            if (!single) continue;
            Host first = null;
            for (IpAddr ip : mi.ips) {
                Host h = ipHosts.get(ip);
                if (h == null) continue;
                if (first == null) first = h; else union(parent, first, h);
            }
            Host l2 = macHosts.get(e.getKey());
            if (l2 != null && first != null) union(parent, first, l2);
        }
        Map<Host, List<Host>> groups = new LinkedHashMap<>();
        for (Host h : all) groups.computeIfAbsent(find(parent, h), k -> new ArrayList<>()).add(h);

        Map<Host, String> assetOf = new HashMap<>();
        List<AssetDraft> drafts = new ArrayList<>();
        for (List<Host> members : groups.values()) {
            AssetDraft d = new AssetDraft(members, owned, macInfo);
            drafts.add(d);
            for (Host h : members) assetOf.put(h, d.id);
        }

        // communications, merged per asset pair
        Map<List<Object>, Comm> merged = new HashMap<>();
        Map<List<Object>, CommKey> keys = new HashMap<>();
        for (Map.Entry<CommKey, Comm> e : comms.entrySet()) {
            CommKey k = e.getKey();
            String c = assetOf.get(k.client), s = assetOf.get(k.server);
            if (c == null || s == null) continue;
            List<Object> mk = List.of(c, s, k.protocol, k.transport, k.port);
            Comm m = merged.get(mk);
            if (m == null) {
                m = new Comm(e.getValue().first);
                merged.put(mk, m);
                keys.put(mk, k);
            }
            m.merge(e.getValue());
        }
        List<Inventory.Communication> communications = new ArrayList<>();
        for (Map.Entry<List<Object>, Comm> e : merged.entrySet()) {
            List<Object> mk = e.getKey();
            communications.add(e.getValue().toRecord((String) mk.get(0), (String) mk.get(1), (String) mk.get(2),
                    (String) mk.get(3), (Integer) mk.get(4)));
        }
        Map<String, String> idOrder = new HashMap<>();
        drafts.sort(Comparator.comparing(d -> d.sortKey));
        for (AssetDraft d : drafts) idOrder.put(d.id, d.sortKey);
        communications.sort(Comparator.<Inventory.Communication, String>comparing(c -> idOrder.get(c.client()))
                .thenComparing(c -> idOrder.get(c.server())).thenComparing(Inventory.Communication::protocol)
                .thenComparing(Inventory.Communication::transport).thenComparingInt(Inventory.Communication::port));

        List<Inventory.Asset> unclassified = new ArrayList<>(drafts.size());
        for (AssetDraft d : drafts) unclassified.add(d.toRecord(Classification.UNKNOWN));
        Map<String, Classification> classes = classifier.classifyAll(unclassified, communications);
        List<Inventory.Asset> assets = new ArrayList<>(drafts.size());
        for (AssetDraft d : drafts) assets.add(d.toRecord(classes.get(d.id)));
        Map<String, Long> counted = new TreeMap<>();
        counters.forEach((k, v) -> counted.put(k, v[0]));
        return new Inventory(List.copyOf(captures), assets, communications, counted);
    }

    private static Host find(Map<Host, Host> parent, Host h) {
        Host p = parent.get(h);
        while (p != h) {
            Host gp = parent.get(p);
            parent.put(h, gp);
            h = p;
            p = gp;
        }
        return h;
    }

    private static void union(Map<Host, Host> parent, Host a, Host b) {
        Host ra = find(parent, a), rb = find(parent, b);
        if (ra != rb) parent.put(rb, ra);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static int compareValues(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) return Long.compare(x.longValue(), y.longValue());
        if (a.getClass() == b.getClass() && a instanceof Comparable c) return c.compareTo(b);
        return a.toString().compareTo(b.toString());
    }

    // ------------------------------------------------------------------ internal state

    static final class MacInfo {
        final Set<IpAddr> ips = new TreeSet<>();
        boolean overflow;
        IpAddr arpIp;
        /** The one IPv4 address this MAC sent from with an initial TTL (its own, when it also routes); null if none or several. */
        IpAddr ownIp;
        boolean ownAmbiguous;

        void unrouted(IpAddr ip) {
            if (ownAmbiguous || ip.equals(ownIp)) return;
            if (ownIp == null) ownIp = ip;
            else { ownIp = null; ownAmbiguous = true; }
        }

        /** Whether a MAC carrying several addresses is still this address's own: it ARPed for it, or originated it. */
        boolean owns(IpAddr ip) {
            return ip.equals(arpIp) || (ownIp != null && arpIp == null && ip.equals(ownIp));
        }
    }

    record CommKey(Host client, Host server, String protocol, String transport, int port) {}

    static final class Comm {
        long first, last, packets, bytes;
        final Map<List<Object>, long[]> ops = new LinkedHashMap<>();       // (code, name, kind) -> count
        final Map<List<String>, long[]> details = new LinkedHashMap<>();   // (name, value) -> count

        Comm(long first) {
            this.first = first;
            this.last = first;
        }

        void add(Fact.Conversation c) {
            first = Math.min(first, c.firstSeen());
            last = Math.max(last, c.time());
            packets += c.packets();
            bytes += c.bytes();
            for (Fact.OperationCount o : c.operations()) {
                ops.computeIfAbsent(List.of(o.code(), o.name(), o.kind().label()), k -> new long[1])[0] += o.count();
            }
            for (Fact.Detail d : c.details()) {
                List<String> k = List.of(d.name(), d.value());
                long[] n = details.get(k);
                if (n == null && details.size() >= 512) continue;
                if (n == null) details.put(k, n = new long[1]);
                n[0] += d.count();
            }
        }

        void merge(Comm o) {
            first = Math.min(first, o.first);
            last = Math.max(last, o.last);
            packets += o.packets;
            bytes += o.bytes;
            o.ops.forEach((k, v) -> ops.computeIfAbsent(k, x -> new long[1])[0] += v[0]);
            o.details.forEach((k, v) -> details.computeIfAbsent(k, x -> new long[1])[0] += v[0]);
        }

        Inventory.Communication toRecord(String client, String server, String protocol, String transport, int port) {
            List<Inventory.Operation> o = new ArrayList<>();
            ops.forEach((k, v) -> o.add(new Inventory.Operation((Integer) k.get(0), (String) k.get(1), v[0], (String) k.get(2))));
            o.sort(Comparator.comparingInt(Inventory.Operation::code).thenComparing(Inventory.Operation::name));
            List<Inventory.Detail> d = new ArrayList<>();
            details.forEach((k, v) -> d.add(new Inventory.Detail(k.get(0), k.get(1), v[0])));
            d.sort(Comparator.comparing(Inventory.Detail::name).thenComparing(Inventory.Detail::value));
            return new Inventory.Communication(client, server, protocol, transport, port, packets, bytes, o, d, first, last);
        }
    }

    static final class ServiceState {
        final Map<String, Set<Object>> details = new TreeMap<>();
        long first = Long.MAX_VALUE, last = Long.MIN_VALUE;

        void seen(long t) {
            first = Math.min(first, t);
            last = Math.max(last, t);
        }
    }

    record ServiceKey(String protocol, String transport, int port, String role) {}

    static final class AttrValue {
        final String name, value, source;
        double confidence;
        long first, last;

        AttrValue(String name, String value, String source, double confidence, long t) {
            this.name = name;
            this.value = value;
            this.source = source;
            this.confidence = confidence;
            this.first = this.last = t;
        }
    }

    static final class Host {
        final IpAddr ip;
        final long l2Mac;
        final Set<Long> macs = new TreeSet<>();
        long lastMac = Mac.NONE;             // last MAC offered to macs (added or already there, or the set full)
        final Map<ServiceKey, ServiceState> services = new LinkedHashMap<>();
        final List<AttrValue> attributes = new ArrayList<>();
        long first = Long.MAX_VALUE, last = Long.MIN_VALUE;
        boolean industrial;

        Host(IpAddr ip, long l2Mac) {
            this.ip = ip;
            this.l2Mac = l2Mac;
            if (ip == null) macs.add(l2Mac);
        }

        void seen(long from, long to) {
            first = Math.min(first, from);
            last = Math.max(last, to);
        }

        ServiceState service(String protocol, String transport, int port, String role) {
            return services.computeIfAbsent(new ServiceKey(protocol, transport, port, role), k -> new ServiceState());
        }

        void attribute(String name, String value, String source, double confidence, long t, int maxValues) {
            int values = 0;
            for (AttrValue a : attributes) {
                if (!a.name.equals(name)) continue;
                values++;
                if (a.value.equals(value) && a.source.equals(source)) {
                    a.first = Math.min(a.first, t);
                    a.last = Math.max(a.last, t);
                    a.confidence = Math.max(a.confidence, confidence);
                    return;
                }
            }
            if (values < maxValues) attributes.add(new AttrValue(name, value, source, confidence, t));
        }
    }

    /** One asset being assembled from its hosts at snapshot time. */
    private static final class AssetDraft {
        final String id, sortKey;
        final List<String> macs = new ArrayList<>(), ips = new ArrayList<>();
        final List<AttrValue> attributes = new ArrayList<>();
        final Map<ServiceKey, ServiceState> services = new TreeMap<>(Comparator.comparing(ServiceKey::protocol)
                .thenComparing(ServiceKey::role).thenComparing(ServiceKey::transport).thenComparingInt(ServiceKey::port));
        long first = Long.MAX_VALUE, last = Long.MIN_VALUE;

        AssetDraft(List<Host> members, Map<Long, Boolean> owned, Map<Long, MacInfo> macInfo) {
            TreeSet<IpAddr> ipSet = new TreeSet<>();
            TreeSet<Long> macSet = new TreeSet<>();
            for (Host h : members) {
                if (h.ip != null) ipSet.add(h.ip);
                for (long m : h.macs) {
                    MacInfo mi = macInfo.get(m);
                    boolean mine = h.ip == null || Boolean.TRUE.equals(owned.get(m)) || (mi != null && mi.owns(h.ip));
                    if (mine) macSet.add(m);
                }
                first = Math.min(first, h.first);
                last = Math.max(last, h.last);
                attributes.addAll(h.attributes);
                h.services.forEach((k, v) -> {
                    ServiceState s = services.computeIfAbsent(k, x -> new ServiceState());
                    s.seen(v.first);
                    s.seen(v.last);
                    v.details.forEach((n, vals) -> s.details.computeIfAbsent(n, x -> new TreeSet<>(InventoryBuilder::compareValues)).addAll(vals));
                });
            }
            for (IpAddr ip : ipSet) ips.add(ip.toString());
            for (long m : macSet) macs.add(Mac.format(m));
            IpAddr firstV4 = null;
            for (IpAddr ip : ipSet) if (ip.isV4()) { firstV4 = ip; break; }
            IpAddr key = firstV4 != null ? firstV4 : (ipSet.isEmpty() ? null : ipSet.first());
            if (key != null) {
                id = key.toString();
                sortKey = (key.isV4() ? "0" : "1") + String.format("%016x%016x", key.hi(), key.lo());
            } else {
                id = macs.isEmpty() ? "unknown" : macs.get(0);
                sortKey = "2" + id;
            }
            // the NIC vendor from the IEEE registry: weak evidence, below anything the device states
            for (long m : macSet) {
                String v = OuiRegistry.get().vendor(m);
                if (v != null) {
                    AttrValue a = new AttrValue("macVendor", v, "oui", Confidence.DERIVED, first);
                    a.last = last;
                    attributes.add(a);
                }
            }
            // a generic "tcp server" entry adds nothing where a protocol already names the port
            services.keySet().removeIf(k -> GENERIC.contains(k.protocol) && services.keySet().stream()
                    .anyMatch(o -> !GENERIC.contains(o.protocol) && o.port == k.port && !CLIENT_ROLES.contains(o.role)));
        }

        /** The value shown for a field: highest confidence, then the most recently seen. */
        String best(String... names) {
            for (String n : names) {
                AttrValue best = null;
                for (AttrValue a : attributes) {
                    if (!a.name.equals(n)) continue;
                    if (best == null || a.confidence > best.confidence || (a.confidence == best.confidence && a.last > best.last)) best = a;
                }
                if (best != null) return best.value;
            }
            return null;
        }

        Inventory.Asset toRecord(Classification cls) {
            List<Inventory.Service> svc = new ArrayList<>();
            services.forEach((k, v) -> {
                Map<String, List<Object>> details = new TreeMap<>();
                v.details.forEach((n, vals) -> details.put(n, List.copyOf(vals)));
                svc.add(new Inventory.Service(k.protocol, k.role, k.transport, k.port, details));
            });
            List<Inventory.Attribute> attrs = new ArrayList<>();
            for (AttrValue a : attributes) attrs.add(new Inventory.Attribute(a.name, a.value, a.source, a.confidence, a.first, a.last));
            attrs.sort(Comparator.comparing(Inventory.Attribute::name).thenComparing(Inventory.Attribute::source)
                    .thenComparing(Inventory.Attribute::value));
            String vendor = best("vendor");
            if (vendor == null) vendor = best("macVendor");
            return new Inventory.Asset(id, List.copyOf(macs), List.copyOf(ips), vendor,
                    best("model", "productName", "productCode", "orderNumber"), best("firmware"), best("serial"), best("name", "dnsName", "netbiosName"),
                    cls.deviceClass(), cls.confidence(), cls.rules(), Collections.unmodifiableList(svc), List.copyOf(attrs), first, last);
        }
    }
}
