package dev.casebook.tools.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class NetworkPolicyTest {

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource(delimiter = ';', value = {
            "127.0.0.1;loopback", "127.9.9.9;loopback", "::1;loopback", "0.0.0.0;unspecified", "::;unspecified",
            "169.254.169.254;cloud metadata", "fd00:ec2::254;cloud metadata", "169.254.10.1;link-local",
            "fe80::1;link-local", "10.1.2.3;private", "172.16.0.1;private", "172.31.255.255;private",
            "192.168.1.1;private", "fc00::1;private (unique local)", "fd12:3456::1;private (unique local)",
            "100.64.0.1;shared (carrier-grade NAT)", "::ffff:127.0.0.1;loopback", "::ffff:10.0.0.1;private",
            "::127.0.0.1;loopback", "64:ff9b::a9fe:a9fe;cloud metadata", "2002:c0a8:0101::1;private",
            "224.0.0.1;multicast", "255.255.255.255;reserved", "240.0.0.1;reserved"})
    void classifies_non_public_addresses(String address, String restriction) throws Exception {
        assertThat(NetworkPolicy.restriction(InetAddress.getByName(address))).contains(restriction);
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1111"})
    void lets_public_addresses_through(String address) throws Exception {
        assertThat(NetworkPolicy.restriction(InetAddress.getByName(address))).isEmpty();
    }

    @Test
    void refuses_a_host_name_that_resolves_to_loopback() {
        assertThatThrownBy(() -> NetworkPolicy.publicOnly().resolve("localhost", 80))
                .isInstanceOf(NetworkPolicy.RefusedDestinationException.class)
                .hasMessageContaining("localhost (")
                .hasMessageContaining("is a loopback address");
    }

    @Test
    void an_allowance_with_a_port_allows_only_that_port() throws Exception {
        NetworkPolicy policy = new NetworkPolicy(List.of("127.0.0.1:8080"));

        assertThat(policy.resolve("127.0.0.1", 8080)).containsExactly(InetAddress.getByName("127.0.0.1"));
        assertThatThrownBy(() -> policy.resolve("127.0.0.1", 8081))
                .isInstanceOf(NetworkPolicy.RefusedDestinationException.class);
        assertThatThrownBy(() -> policy.resolve("10.0.0.1", 8080))
                .isInstanceOf(NetworkPolicy.RefusedDestinationException.class);
    }

    @Test
    void a_cidr_allowance_covers_its_block() throws Exception {
        NetworkPolicy policy = new NetworkPolicy(List.of("10.1.0.0/16", "[::1]:9000"));

        assertThat(policy.resolve("10.1.200.3", 443)).hasSize(1);
        assertThat(policy.resolve("[::1]", 9000)).hasSize(1);
        assertThatThrownBy(() -> policy.resolve("10.2.0.1", 443))
                .isInstanceOf(NetworkPolicy.RefusedDestinationException.class);
    }

    @Test
    void rejects_an_unreadable_allowance() {
        assertThatThrownBy(() -> new NetworkPolicy(List.of("10.0.0.0/99")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NetworkPolicy(List.of("host:port")))
                .hasMessageStartingWith("cannot read allowed destination 'host:port'");
    }
}
