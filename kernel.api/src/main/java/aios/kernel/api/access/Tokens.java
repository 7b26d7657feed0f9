package aios.kernel.api.access;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * API tokens: secrets that a client presents (over HTTP, say) to act as the operator or as one agent. A token is
 * shown once, when it is issued; the service keeps only a hash of it, so a token that is lost cannot be shown again,
 * only revoked and replaced.
 *
 * <p>Thread-safe. {@link #authenticate} is fast and does no I/O; {@link #issue} and {@link #revoke} are durable when
 * they return.
 *
 * @since 1.1
 */
@ProviderType
public interface Tokens {

    /**
     * What a token is known by, without its secret.
     *
     * @param id a short id to list and revoke the token by (not secret)
     * @param principal whom it speaks for
     * @param created when it was issued
     */
    record Info(String id, Principal principal, Instant created) {
    }

    /**
     * A newly issued token.
     *
     * @param info its id, principal and time
     * @param token the secret itself, to hand to the client; it cannot be retrieved later
     */
    record Issued(Info info, String token) {
        @Override
        public String toString() {
            return "token " + info.id() + " for " + info.principal() + " (secret not shown)";
        }
    }

    /**
     * @return whom the token speaks for; empty if it is unknown or revoked (or {@code null})
     */
    Optional<Principal> authenticate(String token);

    /**
     * Issues a new token.
     *
     * @throws IllegalArgumentException if the principal is an agent the kernel does not know (the message says how
     *     to make it known); nothing is issued then
     * @throws java.io.UncheckedIOException if it could not be stored; nothing is issued then
     */
    Issued issue(Principal principal);

    /**
     * Revokes a token: it authenticates nobody from now on.
     *
     * @return whether there was a token of that id
     * @throws java.io.UncheckedIOException if the change could not be stored; the token stays valid then
     */
    boolean revoke(String id);

    /** The tokens issued and not revoked, oldest first. */
    List<Info> list();
}
