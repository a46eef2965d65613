package io.gridscout.agent.evidence;

import io.gridscout.agent.daemon.AgentConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Where the operator's files expect an address, a host name ("cafe", "dead.beef": hex letters and dots) is a
 * one-line error naming the file and line, never a DNS query (the parser has no resolver; see NoLookupTest for
 * the syscalls).
 */
class AddressInputsTest {
    @TempDir
    Path tmp;

    Path file(String name, String text) throws Exception {
        Path p = tmp.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void siteYamlNamesTheLineOfANameWhereAnAddressBelongs() throws Exception {
        Path writers = file("w.yaml", "site: Lab\nwriters:\n  - 10.0.0.1\n  - dead.beef\n");
        assertThatThrownBy(() -> SiteYaml.read(writers)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(writers + ":4: writers: not an address or CIDR: 'dead.beef'").hasMessageContaining("names are not resolved")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        Path zone = file("z.yaml", "zones:\n  - name: lab\n    cidrs: [10.0.0.0/8]\n  - name: bay\n    cidr: cafe/16\n");
        assertThatThrownBy(() -> SiteYaml.read(zone)).hasMessageStartingWith(zone + ":5: zones: not an address or CIDR: 'cafe/16'");
        Path zoneList = file("zl.yaml", "zones:\n  - {name: lab, cidrs: [10.0.0.0/8, 'beef::/16', 'fe80::1%eth0']}\n");
        assertThatThrownBy(() -> SiteYaml.read(zoneList)).hasMessageStartingWith(zoneList + ":2: zones: not an address or CIDR: 'fe80::1%eth0'");
        Path single = file("s.yaml", "jumpHosts: plc.example\n");
        assertThatThrownBy(() -> SiteYaml.read(single)).hasMessageStartingWith(single + ":1: jumpHosts: not an address or CIDR: 'plc.example'");
        Path flow = file("f.yaml", "zones:\n  - {name: lab.1, cidrs: [10.0.0.0/8]}\nflows:\n  - {from: lab.1, to: 10.0.0.5, protocol: modbus}\n"
                + "  - from: lab.1\n    to: plc.example\n");
        assertThatThrownBy(() -> SiteYaml.read(flow)).hasMessageStartingWith(flow + ":6: flows: to 'plc.example' is not a zone, an address or a CIDR");
        Path ok = file("ok.yaml", "zones:\n  - {name: lab.1, cidrs: [10.0.0.0/8, 'fd00::/8']}\nwriters: ['::ffff:10.0.0.1', 10.0.0.2]\n"
                + "flows:\n  - {from: lab.1, to: 10.0.0.5/32, protocol: modbus}\n  - {from: scada, to: '*'}\n");
        assertThat(SiteYaml.read(ok).writers()).hasSize(2);
        assertThat(SiteYaml.read(ok).flows()).hasSize(2);
    }

    @Test
    void registerNamesTheRowOfAName() throws Exception {
        Path csv = file("register.csv", "id,name,ip\nPLC-1,plc.example,10.0.0.5\nPLC-2,rtu,cafe\n");
        assertThatThrownBy(() -> RegisterReader.read(csv)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(csv + ":3: 'cafe' in the IP column is not an IP address (literal addresses only, names are not resolved)");
        Path json = file("register.json", "[{\"id\": \"a\", \"ips\": [\"10.0.0.1\"]}, {\"id\": \"b\", \"ip\": \"dead.beef\"}]");
        assertThatThrownBy(() -> RegisterReader.read(json)).hasMessageStartingWith(json + ": asset 2: 'dead.beef' in the IP column");
        Path ok = file("ok.csv", "id,name,primary ip\nPLC-1,cafe,10.0.0.5/24\nPLC-2,dead.beef,fd00::5\n");
        assertThat(RegisterReader.read(ok)).extracting(e -> e.ips().get(0)).containsExactly("10.0.0.5", "fd00::5");
    }

    @Test
    void literalListenAndSyslogAddressesAreNotResolved() {
        InetSocketAddress v4 = AgentConfig.HostPort.parse("127.0.0.1:8484").socketAddress();
        assertThat(v4.isUnresolved()).isFalse();
        assertThat(v4.getHostString()).isEqualTo("127.0.0.1");     // no reverse lookup stored either
        InetSocketAddress v6 = AgentConfig.HostPort.parse("[::1]:514").socketAddress();
        assertThat(v6.getAddress().isLoopbackAddress()).isTrue();
        assertThat(v6.getPort()).isEqualTo(514);
    }
}
