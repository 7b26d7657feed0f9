package aios.tool.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The hosts the HTTP tools may reach: exact names, IP addresses (compared in their canonical form, so
 * {@code [0:0:0:0:0:0:0:1]} is {@code ::1}), and {@code *.example.org} for the subdomains of {@code example.org}.
 * Names are compared as written, never resolved: DNS plays no part in the decision. Immutable.
 */
final class HostAllowlist {

    private final List<String> entries;
    private final Set<String> exact = new LinkedHashSet<>();
    private final List<String> suffixes = new ArrayList<>();

    /**
     * @param values host entries; each may hold several separated by commas (as a configuration file gives them)
     * @throws IllegalArgumentException naming an entry that is not a host name, an address or {@code *.domain}
     */
    HostAllowlist(String... values) {
        List<String> all = new ArrayList<>();
        for (String v : values) {
            for (String part : v.split(",")) {
                String e = part.trim();
                if (!e.isEmpty()) {
                    all.add(e);
                }
            }
        }
        for (String e : all) {
            if (e.startsWith("*.")) {
                String domain = e.substring(2).toLowerCase(Locale.ROOT);
                if (!validName(domain)) {
                    throw new IllegalArgumentException("hosts entry '" + e + "' is not valid: use *.example.org");
                }
                suffixes.add("." + domain);
            } else {
                String h = canonical(e);
                if (h == null) {
                    throw new IllegalArgumentException("hosts entry '" + e + "' is not a host name or an IP address");
                }
                exact.add(h);
            }
        }
        this.entries = List.copyOf(all);
    }

    /** Whether a URL's host (as {@link java.net.URI#getHost()} gives it) may be reached. */
    boolean allows(String host) {
        String h = host == null ? null : canonical(host);
        if (h == null) {
            return false;
        }
        if (exact.contains(h)) {
            return true;
        }
        return suffixes.stream().anyMatch(h::endsWith);
    }

    /** The entries as configured, for error messages. */
    String describe() {
        return entries.isEmpty() ? "none" : String.join(", ", entries);
    }

    /** Lower-case name, or the canonical text of an IP literal; {@code null} if neither. */
    static String canonical(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.contains(":")) {
            if (!h.matches("[0-9a-f:.]+")) {
                return null;
            }
            try {
                // an IPv6 literal in brackets is parsed, never looked up; both sides get its full form
                return InetAddress.getByName("[" + h + "]").getHostAddress();
            } catch (UnknownHostException e) {
                return null;
            }
        }
        if (h.matches("[0-9.]+")) {
            String[] octets = h.split("\\.", -1);
            if (octets.length != 4) {
                return null;
            }
            StringBuilder sb = new StringBuilder();
            for (String o : octets) {
                if (o.isEmpty() || o.length() > 3 || Integer.parseInt(o) > 255) {
                    return null;
                }
                sb.append(sb.isEmpty() ? "" : ".").append(Integer.parseInt(o));
            }
            return sb.toString();
        }
        return validName(h) ? h : null;
    }

    private static boolean validName(String h) {
        return h.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    }
}
