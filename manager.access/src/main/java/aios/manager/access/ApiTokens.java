package aios.manager.access;

import aios.kernel.api.access.Principal;
import aios.kernel.api.access.Tokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * API tokens, kept in {@code tokens.txt} as their SHA-256 hashes only:
 *
 * <pre>
 * aios-tokens 1
 * t1 operator 2026-11-25T10:00:00Z 9f86d081884c7d65…
 * t2 agent:alice 2026-11-25T10:05:00Z 60303ae22b998861…
 * </pre>
 *
 * A token is {@code aios_} and 256 random bits (base64url), shown once by {@link #issue}. A fast hash is enough for
 * such a secret: slow password hashes (bcrypt, Argon2) exist because passwords are guessable, so each guess must cost;
 * nobody can enumerate 2<sup>256</sup> tokens however cheap a guess is, and authentication, which runs on every
 * request, stays a hash and a map look-up. The file is written atomically and readable by its owner only.
 *
 * <p>Thread-safe: changes are serialised, authentication reads an immutable map.
 */
final class ApiTokens implements Tokens {

    static final String NAME = "tokens.txt";
    static final String PREFIX = "aios_";
    private static final String HEADER = "aios-tokens 1";
    private static final Pattern ID = Pattern.compile("t[1-9][0-9]{0,17}");
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

    private record Entry(Info info, String hash) {
    }

    private final Path file;
    private final Predicate<String> knownAgent;
    private final SecureRandom random = new SecureRandom();
    /** By hash, in issue order. */
    private volatile Map<String, Entry> byHash;
    private long nextId;

    /**
     * @param knownAgent whether the kernel knows an agent (registered, or in the access list)
     * @throws DamagedFileException if the file is there but not a token file of this version
     */
    ApiTokens(Path file, Predicate<String> knownAgent) throws DamagedFileException, IOException {
        this.file = file;
        this.knownAgent = knownAgent;
        this.byHash = read(file);
        this.nextId = 1 + byHash.values().stream().mapToLong(e -> Long.parseLong(e.info().id().substring(1))).max()
                .orElse(0);
    }

    @Override
    public Optional<Principal> authenticate(String token) {
        if (token == null || !token.startsWith(PREFIX)) {
            return Optional.empty();
        }
        Entry e = byHash.get(sha256(token));
        return e == null ? Optional.empty() : Optional.of(e.info().principal());
    }

    @Override
    public synchronized Issued issue(Principal principal) {
        if (!principal.operator() && !knownAgent.test(principal.agent())) {
            throw new IllegalArgumentException("agent '" + principal.agent() + "' is not registered and has no grants:"
                    + " check the name (aios:ps lists registered agents), or register it first (aios:register "
                    + principal.agent() + ")");
        }
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Info info = new Info("t" + nextId, principal, Instant.now().truncatedTo(ChronoUnit.SECONDS));
        Map<String, Entry> next = new LinkedHashMap<>(byHash);
        next.put(sha256(token), new Entry(info, sha256(token)));
        save(next);
        nextId++;
        return new Issued(info, token);
    }

    @Override
    public synchronized boolean revoke(String id) {
        Map<String, Entry> next = new LinkedHashMap<>(byHash);
        if (!next.values().removeIf(e -> e.info().id().equals(id))) {
            return false;
        }
        save(next);
        return true;
    }

    @Override
    public List<Info> list() {
        return byHash.values().stream().map(Entry::info).toList();
    }

    private void save(Map<String, Entry> next) {
        List<String> lines = new ArrayList<>();
        lines.add("# API tokens of the access manager: id, whom it speaks for, when it was issued, and the SHA-256 of the"
                + " token (the tokens themselves are not kept). Issue and revoke them with acl:token.");
        lines.add(HEADER);
        for (Entry e : next.values()) {
            Principal p = e.info().principal();
            lines.add(e.info().id() + " " + (p.operator() ? "operator" : "agent:" + p.agent()) + " "
                    + e.info().created() + " " + e.hash());
        }
        try {
            DurableFile.write(file, lines);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the token file " + file + ": " + e.getMessage()
                    + "; nothing changed", e);
        }
        byHash = java.util.Collections.unmodifiableMap(next);
    }

    private static Map<String, Entry> read(Path file) throws DamagedFileException, IOException {
        Map<String, Entry> out = new LinkedHashMap<>();
        for (DurableFile.Line record : DurableFile.records(file, HEADER, "a token file")) {
            int number = record.number();
            String[] w = record.text().split("\\s+");
            if (w.length != 4 || !ID.matcher(w[0]).matches() || !HASH.matcher(w[3]).matches()) {
                throw new DamagedFileException(file, number, "a token line is 'tN operator|agent:NAME TIME SHA256HEX'");
            }
            Principal p;
            Instant created;
            try {
                p = w[1].equals("operator") ? Principal.ofOperator()
                        : Principal.ofAgent(AccessList.agentName(w[1].startsWith("agent:") ? w[1].substring(6) : "?" + w[1]));
                created = Instant.parse(w[2]);
            } catch (IllegalArgumentException | DateTimeParseException e) {
                throw new DamagedFileException(file, number, e.getMessage());
            }
            if (out.values().stream().anyMatch(e -> e.info().id().equals(w[0])) || out.containsKey(w[3])) {
                throw new DamagedFileException(file, number, "token " + w[0] + " is listed twice");
            }
            out.put(w[3], new Entry(new Info(w[0], p, created), w[3]));
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e); // every Java SE platform has it
        }
    }
}
