package dev.casebook.tools.web;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which network destinations a tool that fetches URLs chosen by the model may reach (SSRF protection).
 *
 * <p>Public addresses are allowed. Loopback, link-local (including the cloud metadata address 169.254.169.254),
 * private, unique-local, carrier-grade NAT, unspecified, multicast and reserved addresses are refused unless an
 * allowance names them. An allowance is a host name or IP literal, optionally with a port ({@code 127.0.0.1:8080},
 * {@code [::1]:8080}, {@code intranet.example}), or a CIDR block ({@code 10.1.0.0/16}). The check applies to every
 * address the host name resolves to, so a public name that resolves to a private address is refused too.
 */
public record NetworkPolicy(List<String> allowed) {

    public NetworkPolicy {
        allowed = List.copyOf(allowed == null ? List.of() : allowed);
        allowed.forEach(NetworkPolicy::parseAllowance);
    }

    public static NetworkPolicy publicOnly() {
        return new NetworkPolicy(List.of());
    }

    /** Thrown when a destination is refused; the message says which address and why. */
    public static final class RefusedDestinationException extends Exception {
        RefusedDestinationException(String message) {
            super(message);
        }
    }

    /**
     * Resolves {@code host} and checks every address it resolves to.
     *
     * @return the checked addresses, to connect to exactly those (no second resolution that could differ)
     */
    public InetAddress[] resolve(String host, int port) throws UnknownHostException, RefusedDestinationException {
        String name = normalizeHost(host);
        InetAddress[] addresses = InetAddress.getAllByName(name);
        for (InetAddress address : addresses) {
            Optional<String> reason = restriction(address);
            if (reason.isPresent() && !isAllowed(name, port, address)) {
                String shown = name.equals(address.getHostAddress()) ? name : name + " (" + address.getHostAddress() + ")";
                throw new RefusedDestinationException(shown + " is a " + reason.get()
                        + " address; this tool only reaches public internet addresses");
            }
        }
        return addresses;
    }

    /** Why an address is not public, or empty when it is. */
    public static Optional<String> restriction(InetAddress address) {
        if (address instanceof Inet6Address v6) {
            Optional<InetAddress> embedded = embeddedIpv4(v6);
            if (embedded.isPresent()) {
                return restriction(embedded.get());
            }
        }
        byte[] b = address.getAddress();
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        if (address.isAnyLocalAddress()) {
            return Optional.of("unspecified");
        }
        if (address.isLoopbackAddress()) {
            return Optional.of("loopback");
        }
        if (address instanceof Inet4Address) {
            if (first == 169 && second == 254 && (b[2] & 0xff) == 169 && (b[3] & 0xff) == 254) {
                return Optional.of("cloud metadata");
            }
            if (address.isLinkLocalAddress()) {
                return Optional.of("link-local");
            }
            if (address.isSiteLocalAddress()) {
                return Optional.of("private");
            }
            if (first == 100 && second >= 64 && second <= 127) {
                return Optional.of("shared (carrier-grade NAT)");
            }
            if (first == 0 || first >= 240 || (first == 192 && second == 0 && (b[2] & 0xff) == 0)
                    || (first == 198 && (second == 18 || second == 19))) {
                return Optional.of("reserved");
            }
        } else {
            if (first == 0xfd && second == 0x00 && (b[2] & 0xff) == 0x0e && (b[3] & 0xff) == 0xc2) {
                return Optional.of("cloud metadata");
            }
            if (address.isLinkLocalAddress()) {
                return Optional.of("link-local");
            }
            if ((first & 0xfe) == 0xfc) {
                return Optional.of("private (unique local)");
            }
            if (address.isSiteLocalAddress()) {
                return Optional.of("private (site-local)");
            }
        }
        if (address.isMulticastAddress()) {
            return Optional.of("multicast");
        }
        return Optional.empty();
    }

    /** IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96) and 6to4 (2002::/16) addresses carry an IPv4 address. */
    private static Optional<InetAddress> embeddedIpv4(Inet6Address address) {
        byte[] b = address.getAddress();
        try {
            boolean compatible = Arrays.equals(Arrays.copyOf(b, 12), new byte[12]) && !address.isLoopbackAddress()
                    && !address.isAnyLocalAddress();
            boolean nat64 = b[0] == 0 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b
                    && Arrays.equals(Arrays.copyOfRange(b, 4, 12), new byte[8]);
            if (compatible || nat64) {
                return Optional.of(InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16)));
            }
            if ((b[0] & 0xff) == 0x20 && b[1] == 0x02) {
                return Optional.of(InetAddress.getByAddress(Arrays.copyOfRange(b, 2, 6)));
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a 4-byte address is always valid", e);
        }
        return Optional.empty();
    }

    private boolean isAllowed(String host, int port, InetAddress address) {
        for (String entry : allowed) {
            if (parseAllowance(entry).permits(host, port, address)) {
                return true;
            }
        }
        return false;
    }

    static String normalizeHost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.endsWith(".") && h.length() > 1 ? h.substring(0, h.length() - 1) : h;
    }

    private sealed interface Allowance {
        boolean permits(String host, int port, InetAddress address);
    }

    private record HostAllowance(String host, int port) implements Allowance {
        @Override
        public boolean permits(String requestedHost, int requestedPort, InetAddress address) {
            boolean sameHost = host.equals(requestedHost) || host.equals(address.getHostAddress())
                    || literalEquals(host, address);
            return sameHost && (port < 0 || port == requestedPort);
        }

        private static boolean literalEquals(String literal, InetAddress address) {
            if (!literal.contains(":") && !literal.matches("[0-9.]+")) {
                return false;
            }
            try {
                return InetAddress.getByName(literal).equals(address);
            } catch (UnknownHostException e) {
                return false;
            }
        }
    }

    private record CidrAllowance(byte[] network, int prefix) implements Allowance {
        @Override
        public boolean permits(String host, int port, InetAddress address) {
            byte[] a = address.getAddress();
            if (a.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((a[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    private static Allowance parseAllowance(String entry) {
        String e = entry.strip().toLowerCase(Locale.ROOT);
        try {
            if (e.contains("/")) {
                String[] parts = e.split("/", 2);
                byte[] network = InetAddress.getByName(parts[0]).getAddress();
                int prefix = Integer.parseInt(parts[1]);
                if (prefix < 0 || prefix > network.length * 8) {
                    throw new IllegalArgumentException("bad prefix length in allowed network '" + entry + "'");
                }
                return new CidrAllowance(network, prefix);
            }
            if (e.startsWith("[")) {
                int close = e.indexOf(']');
                String host = e.substring(1, close);
                String rest = e.substring(close + 1);
                return new HostAllowance(host, rest.startsWith(":") ? Integer.parseInt(rest.substring(1)) : -1);
            }
            long colons = e.chars().filter(c -> c == ':').count();
            if (colons == 1) {
                String[] parts = e.split(":", 2);
                return new HostAllowance(normalizeHost(parts[0]), Integer.parseInt(parts[1]));
            }
            if (e.isEmpty()) {
                throw new IllegalArgumentException("an allowed destination is empty");
            }
            return new HostAllowance(normalizeHost(e), -1);
        } catch (NumberFormatException | UnknownHostException | StringIndexOutOfBoundsException ex) {
            throw new IllegalArgumentException("cannot read allowed destination '" + entry
                    + "': use host, host:port, [ipv6]:port or a CIDR block like 10.0.0.0/8", ex);
        }
    }
}
