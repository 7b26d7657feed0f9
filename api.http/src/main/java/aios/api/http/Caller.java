package aios.api.http;

import aios.kernel.api.access.Principal;

/**
 * Who sent a request: the operator (acts as any agent and may change the kernel), one agent (acts only as itself), or
 * nobody known (no token: only the open reads).
 */
sealed interface Caller {

    /** Whether this caller may act as, and read the data of, {@code agent}. */
    boolean mayActAs(String agent);

    /** The key its requests are rate-limited by. */
    String rateKey();

    /** For messages: {@code the operator}, {@code agent alice}, {@code a client without a token}. */
    String describe();

    static Caller of(Principal principal) {
        return principal.operator() ? new Operator() : new Agent(principal.agent());
    }

    record Operator() implements Caller {
        public boolean mayActAs(String agent) {
            return true;
        }

        public String rateKey() {
            return "operator";
        }

        public String describe() {
            return "the operator";
        }
    }

    record Agent(String name) implements Caller {
        public boolean mayActAs(String agent) {
            return name.equals(agent);
        }

        public String rateKey() {
            return "agent:" + name;
        }

        public String describe() {
            return "agent " + name;
        }
    }

    /** @param address the client's address, which its requests are rate-limited by */
    record Anonymous(String address) implements Caller {
        public boolean mayActAs(String agent) {
            return false;
        }

        public String rateKey() {
            return "address:" + address;
        }

        public String describe() {
            return "a client without a token";
        }
    }
}
