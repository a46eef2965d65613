package io.gridscout.mapping.oui;

import io.gridscout.protocols.fact.Mac;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Expected names are those of /usr/share/ieee-data (Debian ieee-data 20220827.1) oui.csv, mam.csv, oui36.csv, iab.csv. */
class OuiRegistryTest {
    private final OuiRegistry oui = OuiRegistry.get();

    private String vendor(String mac) {
        return oui.vendor(Mac.parse(mac));
    }

    @Test
    void maL_industrialVendors() {
        assertThat(vendor("00:80:f4:12:34:56")).isEqualTo("TELEMECANIQUE ELECTRIQUE"); // Schneider's Modicon range
        assertThat(vendor("00:1b:1b:aa:bb:cc")).isEqualTo("Siemens AG"); // "Siemens AG," in the file: comma trimmed
        assertThat(vendor("00:00:bc:01:02:03")).isEqualTo("Rockwell Automation"); // Allen-Bradley
        assertThat(vendor("04:0e:3c:00:00:01")).isEqualTo("HP Inc.");
        assertThat(vendor("00:00:00:00:00:01")).isEqualTo("XEROX CORPORATION");
    }

    @Test
    void maM_28bitBlocks() {
        assertThat(vendor("3c:24:f0:91:22:33")).isEqualTo("Siemens AG - Siemens Deutschland Mobility");
        assertThat(vendor("cc:d3:1e:9f:ff:ff")).isEqualTo("Siemens AG, MO MLT BG"); // quoted CSV field
        assertThat(vendor("74:1a:e0:71:00:00")).isEqualTo("BÄR Bahnsicherung AG"); // UTF-8 kept
        // Neighbouring MA-M blocks of the same IEEE-held MA-L differ.
        assertThat(vendor("74:1a:e0:1f:00:00")).isEqualTo("Socionext Inc.");
        assertThat(vendor("74:1a:e0:0f:ff:ff")).isEqualTo("Huano International Technology Limited");
    }

    @Test
    void maS_and_iab_36bitBlocks() {
        assertThat(vendor("70:b3:d5:f2:f0:01")).isEqualTo("TELEPLATFORMS");
        assertThat(vendor("70:b3:d5:00:1f:ff")).isEqualTo("SOREDI touch systems GmbH");
        assertThat(vendor("00:50:c2:74:c1:23")).isEqualTo("Saia-Burgess Controls AG"); // IAB
        assertThat(vendor("00:50:c2:71:70:00")).isEqualTo("MB connect line GmbH Fernwartungssysteme");
    }

    @Test
    void registrationAuthorityParentsAndPrivateBlocksAreUnknown() {
        // 70:B3:D5 is an IEEE Registration Authority MA-L; sub-block 000 is not assigned: no vendor, not "IEEE".
        assertThat(vendor("70:b3:d5:00:00:01")).isNull();
        assertThat(vendor("74:1a:e0:90:00:00")).isNull(); // MA-M 741AE09 is "Private"
    }

    @Test
    void duplicateAssignmentsKeepAllNames() {
        assertThat(vendor("08:00:30:00:00:01"))
                .isEqualTo("NETWORK RESEARCH CORPORATION / ROYAL MELBOURNE INST OF TECH / CERN");
    }

    @Test
    void nonVendorAddressesAreNull() {
        assertThat(oui.vendor(Mac.NONE)).isNull();
        assertThat(vendor("02:80:f4:12:34:56")).isNull(); // locally administered bit on a known OUI
        assertThat(vendor("01:80:f4:12:34:56")).isNull(); // group bit on a known OUI
        assertThat(vendor("01:0c:cd:01:00:01")).isNull(); // IEC 61850 GOOSE multicast
        assertThat(vendor("ff:ff:ff:ff:ff:ff")).isNull();
        assertThat(vendor("00:00:00:00:00:00")).isEqualTo("XEROX CORPORATION"); // all-zero is a valid unicast
        assertThat(oui.vendor(0x1_0000_0000_0000L)).isNull(); // above 48 bits
    }

    @Test
    void sourceDateAndSize() {
        assertThat(oui.sourceDate()).matches("\\d{4}-\\d{2}-\\d{2} \\(IEEE registry via Debian ieee-data .+\\)");
        assertThat(oui.size()).isGreaterThan(40_000);
        assertThat(OuiRegistry.get()).isSameAs(oui);
    }

    @Test
    void longestPrefixWins() throws Exception {
        OuiRegistry t = OuiRegistry.parse(new BufferedReader(new StringReader(
                "# test table\n001122334\tS\n0011223\tM\n001122\tL\n")));
        assertThat(t.sourceDate()).isEqualTo("test table");
        assertThat(t.vendor(Mac.parse("00:11:22:33:4f:ff"))).isEqualTo("S");
        assertThat(t.vendor(Mac.parse("00:11:22:33:50:00"))).isEqualTo("M");
        assertThat(t.vendor(Mac.parse("00:11:22:3f:ff:ff"))).isEqualTo("M");
        assertThat(t.vendor(Mac.parse("00:11:22:40:00:00"))).isEqualTo("L");
        assertThat(t.vendor(Mac.parse("00:11:23:00:00:00"))).isNull();
    }

    @Test
    void malformedTableFailsLoudly() {
        assertThatThrownBy(() -> OuiRegistry.parse(new BufferedReader(new StringReader("00112\tX\n"))))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> OuiRegistry.parse(new BufferedReader(new StringReader("00112Z\tX\n"))))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> OuiRegistry.parse(new BufferedReader(new StringReader("001122\tA\n001122\tB\n"))))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void freshLoadMatchesAndLooksUpManyAddresses() throws Exception {
        long t0 = System.nanoTime();
        OuiRegistry fresh;
        try (var in = OuiRegistry.class.getResourceAsStream(OuiRegistry.RESOURCE)) {
            fresh = OuiRegistry.parse(new BufferedReader(new InputStreamReader(new GZIPInputStream(in),
                    StandardCharsets.UTF_8)));
        }
        long loadMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(fresh.size()).isEqualTo(oui.size());

        long t1 = System.nanoTime();
        int hits = 0;
        for (long i = 0; i < 2_000_000; i++) {
            if (fresh.vendor((i * 0x9E3779B97F4A7C15L) & 0xFCFF_FFFF_FFFFL) != null) hits++;
        }
        long lookupMs = (System.nanoTime() - t1) / 1_000_000;
        assertThat(hits).isPositive();
        System.out.println("OUI: " + fresh.size() + " entries, load " + loadMs + " ms, 2M lookups " + lookupMs
                + " ms, " + hits + " hits");
    }
}
