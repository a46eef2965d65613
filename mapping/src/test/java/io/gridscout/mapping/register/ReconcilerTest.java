package io.gridscout.mapping.register;

import io.gridscout.mapping.inventory.Inventory;
import io.gridscout.mapping.site.Cidr;
import io.gridscout.mapping.site.SiteContext;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ReconcilerTest {
    static Inventory.Asset asset(String ip, String mac, String serial, String name) {
        return new Inventory.Asset(ip, List.of(mac), List.of(ip), "ACME", "X", "1.0", serial, name, "plc", 0.0, List.of(), List.of(), List.of(), 1, 2);
    }

    static Inventory inv(Inventory.Asset... a) {
        return new Inventory(List.of(), List.of(a), List.of(), Map.of());
    }

    static RegisterEntry e(String ip, String mac, String serial, String name) {
        return new RegisterEntry(null, name, ip == null ? List.of() : List.of(ip), mac == null ? List.of() : List.of(mac), null, null, null, serial, null, Map.of(), 1);
    }

    @Test
    void macWinsOverIpAndAnIpChangeIsAMismatch() {
        Inventory i = inv(asset("10.0.0.1", "00:00:00:00:00:01", null, null), asset("10.0.0.2", "00:00:00:00:00:02", null, null));
        // declared with the first device's address but the second device's MAC: the MAC decides
        Reconciliation r = Reconciler.reconcile(i, List.of(e("10.0.0.1", "00-00-00-00-00-02", null, null)), SiteContext.empty());
        Reconciliation.Row row = r.rows().get(0);
        assertThat(row.matchedBy()).isEqualTo("mac");
        assertThat(row.asset().id()).isEqualTo("10.0.0.2");
        assertThat(row.status()).isEqualTo(Reconciliation.Status.MISMATCH);
        assertThat(row.diffs()).extracting(Reconciliation.Diff::field).containsExactly("ip");
        assertThat(r.counts()).containsEntry("unregistered", 1).containsEntry("mismatch", 1);
    }

    @Test
    void serialThenIpThenName() {
        Inventory i = inv(asset("10.0.0.1", "00:00:00:00:00:01", "SN1", "rtu-a"), asset("10.0.0.2", "00:00:00:00:00:02", null, "rtu-b"));
        Reconciliation r = Reconciler.reconcile(i, List.of(e(null, null, "sn1", null), e(null, null, null, "RTU-B")), SiteContext.empty());
        assertThat(r.rows()).extracting(Reconciliation.Row::matchedBy).containsExactly("serial", "name");
        assertThat(r.counts()).containsEntry("matched", 2);
    }

    @Test
    void coverageByZoneOrSubnet() {
        Inventory i = inv(asset("10.0.0.1", "00:00:00:00:00:01", null, null));
        SiteContext site = new SiteContext(null, List.of(new SiteContext.Zone("a", "substation", List.of(Cidr.parse("10.0.0.0/8"))),
                new SiteContext.Zone("b", "substation", List.of(Cidr.parse("172.16.0.0/12")))), List.of(), List.of(), List.of(), List.of(), List.of(), null);
        Reconciliation r = Reconciler.reconcile(i, List.of(e("10.200.0.1", null, null, null), e("172.16.0.1", null, null, null)), site);
        assertThat(r.rows()).extracting(x -> x.status().word).containsExactly("not-observed", "out-of-coverage", "unregistered");
    }

    @Test
    void cidrAndZones() {
        assertThat(Cidr.parse("10.1.0.0/16").contains("10.1.255.3")).isTrue();
        assertThat(Cidr.parse("10.1.0.0/16").contains("10.2.0.1")).isFalse();
        assertThat(Cidr.parse("fd00::/8").contains("fd12::1")).isTrue();
        assertThat(SiteContext.isPublic(Cidr.parseOrNull("8.8.8.8"))).isTrue();
        assertThat(SiteContext.isPublic(Cidr.parseOrNull("192.168.1.1"))).isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Cidr.parse("example.com")).isInstanceOf(IllegalArgumentException.class);
    }

    /** Issue #21: only protocol-stated values are compared, versions normalised, and the stating element named. */
    @Test
    void onlyProtocolStatedValuesAndNormalisedVersions() {
        List<Inventory.Attribute> attrs = List.of(new Inventory.Attribute("macVendor", "Taiwan Commate Computer", "oui", 0.3, 1, 2),
                new Inventory.Attribute("firmware", "4.03", "enip identity", 0.9, 1, 2));
        Inventory.Asset plc = new Inventory.Asset("10.0.0.1", List.of("00:00:00:00:00:01"), List.of("10.0.0.1"), "Taiwan Commate Computer", null, "4.03", null, null,
                "plc", 0.9, List.of(), List.of(), attrs, 1, 2);
        RegisterEntry declared = new RegisterEntry(null, null, List.of("10.0.0.1"), List.of(), "Schneider Electric", null, "4.3", null, null, Map.of(), 1);
        Reconciliation.Row row = Reconciler.reconcile(inv(plc), List.of(declared), SiteContext.empty()).rows().get(0);
        assertThat(row.status()).isEqualTo(Reconciliation.Status.MATCHED);
        assertThat(row.diffs()).isEmpty();
        assertThat(Reconciler.normVersion("v3.10")).isEqualTo(Reconciler.normVersion("3.10"));
        assertThat(Reconciler.normVersion("3.10")).isNotEqualTo(Reconciler.normVersion("3.1"));
        RegisterEntry old = new RegisterEntry(null, null, List.of("10.0.0.1"), List.of(), null, null, "4.1", null, null, Map.of(), 1);
        Reconciliation.Row mismatch = Reconciler.reconcile(inv(plc), List.of(old), SiteContext.empty()).rows().get(0);
        assertThat(mismatch.diffs()).singleElement().satisfies(d -> {
            assertThat(d.field()).isEqualTo("firmware");
            assertThat(d.statedBy()).isEqualTo("enip identity");
        });
    }
}
