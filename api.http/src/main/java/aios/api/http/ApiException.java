package aios.api.http;

/**
 * A request that is not served: the HTTP status to answer with and a message that says what was wrong and what to do.
 * The servlet turns it into {@code {"error": message, "status": status}} (plus {@code details} when given).
 */
final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final long retryAfterSeconds;
    private final transient Object details;

    ApiException(int status, String message) {
        this(status, message, 0, null);
    }

    /**
     * @param retryAfterSeconds sent as {@code Retry-After} when positive
     * @param details more JSON for the body under {@code details} (such as a Cerebrum-shaped response), or null
     */
    ApiException(int status, String message, long retryAfterSeconds, Object details) {
        super(message);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
        this.details = details;
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, message);
    }

    static ApiException forbidden(String message) {
        return new ApiException(403, message);
    }

    int status() {
        return status;
    }

    long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    Object details() {
        return details;
    }
}
