package aios.tool.http;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(id = GuardedHttp.PID, name = "AIOS HTTP tools",
        description = "http_get and http_post: which hosts agents may reach, and the size and time limits of a request")
public @interface HttpConfig {

    @AttributeDefinition(name = "hosts", description = "Hosts agents may reach: names or IP addresses, *.example.org"
            + " for every subdomain of example.org; a value may list several separated by commas. Compared as written in"
            + " the URL, not resolved. Default: this machine's loopback only")
    String[] hosts() default {"127.0.0.1", "::1", "localhost"};

    @AttributeDefinition(name = "request.max.bytes", description = "Largest request body (http_post), in bytes",
            min = "0")
    int request_max_bytes() default 1024 * 1024;

    @AttributeDefinition(name = "response.max.bytes", description = "Largest response body, in bytes; a larger one"
            + " is refused, not cut", min = "0")
    int response_max_bytes() default 1024 * 1024;

    @AttributeDefinition(name = "timeout.ms", description = "How long a call may take from connecting to the last"
            + " byte of the response, redirects included, in milliseconds", min = "1")
    long timeout_ms() default 10_000;

    @AttributeDefinition(name = "redirects.max", description = "Redirects followed (each to an allowed host only)",
            min = "0")
    int redirects_max() default 5;

    @AttributeDefinition(name = "parallelism", description = "Calls of each HTTP tool that may run at once", min = "1")
    int parallelism() default 4;
}
