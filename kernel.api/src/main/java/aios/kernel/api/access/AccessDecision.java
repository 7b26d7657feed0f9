package aios.kernel.api.access;

import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Whether a syscall may run: allowed, denied with the reason, or pending — held until its policy (or an operator the
 * policy asks) decides.
 *
 * <p>A pending syscall is not refused: {@link aios.kernel.api.Kernel#submit} returns its handle at once, with status
 * {@link aios.kernel.api.SyscallStatus#HELD}, and queues it only when {@link Pending#outcome()} completes with
 * {@link #allow()}. A deny (or an outcome that fails) fails the handle with a
 * {@link aios.kernel.api.SyscallRejectedException} of reason {@code ACCESS_DENIED} and that reason; an outcome that is
 * itself pending is waited for in turn. Cancelling the handle runs {@link Pending#withdraw()}.
 *
 * @param allowed whether it may run now; {@code false} while pending
 * @param reason why not, naming what is missing and how to grant it (denied), or why it waits (pending);
 *     {@code null} when allowed
 * @param pending what the syscall waits for, {@code null} unless pending
 */
public record AccessDecision(boolean allowed, String reason, Pending pending) {

    private static final AccessDecision ALLOW = new AccessDecision(true, null, null);

    public AccessDecision {
        if (pending != null && allowed) {
            throw new IllegalArgumentException("a pending decision cannot also be allowed: use allow() or pending(…)");
        }
    }

    /** A decision without a pending part (the constructor of version 1.0 of this package, kept for its callers). */
    public AccessDecision(boolean allowed, String reason) {
        this(allowed, reason, null);
    }

    public static AccessDecision allow() {
        return ALLOW;
    }

    public static AccessDecision deny(String reason) {
        return new AccessDecision(false, reason, null);
    }

    /**
     * Holds the syscall until {@code pending}'s outcome completes.
     *
     * @param reason why it waits, for the caller, events and operators
     * @since 1.1
     */
    public static AccessDecision pending(String reason, Pending pending) {
        return new AccessDecision(false, reason, Objects.requireNonNull(pending, "pending"));
    }

    /** Whether the syscall is held until {@link #pending()}'s outcome. @since 1.1 */
    public boolean isPending() {
        return pending != null;
    }

    /**
     * What a held syscall waits for.
     *
     * <p>Contract for the policy: {@code outcome} completes exactly once, eventually (a policy that asks an operator
     * denies when nobody answers in time); it may complete on any thread, also before {@code check} returns. The
     * kernel never completes it. {@code withdraw} must not block; after it the policy may complete {@code outcome}
     * or leave it, the kernel ignores it.
     *
     * @param approval the id an operator approves or denies the syscall by (such as {@code acl:approve 7}), unique
     *     among pending approvals; {@code null} while the policy is still finding out whether it must ask anybody
     *     (it then completes {@code outcome} with its final answer, possibly a pending decision with an id)
     * @param outcome completes with the decision: {@link #allow()}, {@link #deny(String)}, or another pending one
     * @param withdraw run by the kernel, once, when the syscall is cancelled, its agent unregistered or the kernel
     *     stops before the outcome: the policy forgets the approval
     * @since 1.1
     */
    public record Pending(String approval, CompletionStage<AccessDecision> outcome, Runnable withdraw) {
        public Pending {
            Objects.requireNonNull(outcome, "outcome");
            withdraw = withdraw == null ? () -> { } : withdraw;
        }
    }
}
