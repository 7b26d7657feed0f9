package aios.api.http;

import aios.kernel.api.access.Principal;
import aios.kernel.api.access.Tokens;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.osgi.service.log.Logger;

/**
 * The operator's API token file, {@code <data>/operator.token}, as Jupyter keeps its token: created once, on the first
 * start with a {@link Tokens} service, readable and writable by its owner only; the token is printed once when it is
 * created, and never logged.
 */
final class OperatorToken {

    static final String FILE = "operator.token";

    private OperatorToken() {
    }

    /**
     * Makes sure the file holds a valid operator token: issues one if there is no file; leaves a file whose token is
     * no longer valid alone (an operator revoked it) and says in the log what to do.
     *
     * @param announce where a new token is printed (stdout; stderr in script mode, whose stdout is the script's output)
     * @return the token, if the file holds a valid one now
     */
    static Optional<String> ensure(Path file, Tokens tokens, PrintStream announce, Logger log) {
        try {
            if (Files.exists(file)) {
                String token = Files.readString(file, StandardCharsets.UTF_8).strip();
                Optional<Principal> who = tokens.authenticate(token);
                if (who.isPresent() && who.get().operator()) {
                    log.info("the HTTP API's operator token is in {}", file);
                    return Optional.of(token);
                }
                log.warn("the operator token in {} is not valid (revoked, or the access manager's tokens.txt was"
                        + " replaced): delete the file and restart the kernel for a new one, or issue one with"
                        + " acl:token create --operator", file);
                return Optional.empty();
            }
            Tokens.Issued issued = tokens.issue(Principal.ofOperator());
            write(file, issued.token());
            announce.println("aios: HTTP API operator token (shown once; kept in " + file + "): " + issued.token());
            announce.flush();
            log.info("issued the HTTP API's operator token {} and wrote it to {}", issued.info().id(), file);
            return Optional.of(issued.token());
        } catch (IOException | RuntimeException e) {
            log.error("cannot provide the HTTP API's operator token in {}: {}; issue one with acl:token create"
                    + " --operator", file, e.getMessage());
            return Optional.empty();
        }
    }

    /** Writes to a temporary file with owner-only permissions and renames it into place. */
    static void write(Path file, String token) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        FileAttribute<?>[] ownerOnly = FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
        Files.createFile(tmp, ownerOnly);
        Files.writeString(tmp, token + "\n", StandardCharsets.UTF_8, StandardOpenOption.WRITE,
                StandardOpenOption.SYNC);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
