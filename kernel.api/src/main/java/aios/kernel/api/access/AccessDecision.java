package aios.kernel.api.access;

/**
 * Whether a syscall may run, and if not, why.
 *
 * @param allowed whether it may run
 * @param reason why not (what grant is missing), {@code null} when allowed
 */
public record AccessDecision(boolean allowed, String reason) {

    private static final AccessDecision ALLOW = new AccessDecision(true, null);

    public static AccessDecision allow() {
        return ALLOW;
    }

    public static AccessDecision deny(String reason) {
        return new AccessDecision(false, reason);
    }
}
