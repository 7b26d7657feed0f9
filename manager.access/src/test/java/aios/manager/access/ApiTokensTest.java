package aios.manager.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.access.Principal;
import aios.kernel.api.access.Tokens;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiTokensTest {

    @TempDir
    Path dir;

    private ApiTokens tokens(Path file) throws Exception {
        return new ApiTokens(file, Set.of("alice", "bob")::contains);
    }

    @Test
    void anIssuedToken_authenticatesItsPrincipal_untilRevoked_acrossARestart() throws Exception {
        Path file = dir.resolve("tokens.txt");
        ApiTokens t = tokens(file);
        Tokens.Issued alice = t.issue(Principal.ofAgent("alice"));
        Tokens.Issued op = t.issue(Principal.ofOperator());
        assertTrue(alice.token().startsWith("aios_") && alice.token().length() == 5 + 43, alice.token());
        assertEquals("t1", alice.info().id());
        assertEquals("t2", op.info().id());
        assertEquals(Optional.of(Principal.ofAgent("alice")), t.authenticate(alice.token()));
        assertEquals(Optional.of(Principal.ofOperator()), t.authenticate(op.token()));
        assertEquals(Optional.empty(), t.authenticate(alice.token() + "x"));
        assertEquals(Optional.empty(), t.authenticate("aios_"));
        assertEquals(Optional.empty(), t.authenticate(null));
        assertFalse(alice.toString().contains(alice.token()), "the secret is not in the record's text");

        ApiTokens again = tokens(file);
        assertEquals(Optional.of(Principal.ofAgent("alice")), again.authenticate(alice.token()));
        assertTrue(again.revoke("t1"));
        assertFalse(again.revoke("t1"));
        assertEquals(Optional.empty(), again.authenticate(alice.token()));
        assertEquals(Optional.empty(), tokens(file).authenticate(alice.token()));
        assertEquals(Optional.of(Principal.ofOperator()), tokens(file).authenticate(op.token()));
        assertEquals("t3", tokens(file).issue(Principal.ofAgent("bob")).info().id(), "ids are never reused");
    }

    @Test
    void onlyTheHashIsOnDisk_inAFileOnlyItsOwnerReads() throws Exception {
        Path file = dir.resolve("tokens.txt");
        Tokens.Issued issued = tokens(file).issue(Principal.ofAgent("alice"));
        String text = Files.readString(file);
        assertFalse(text.contains(issued.token()), text);
        assertFalse(text.contains(issued.token().substring(5)), text);
        assertTrue(text.contains(ApiTokens.sha256(issued.token())), text);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
    }

    @Test
    void aTokenForAnUnknownAgent_isRefused_andNothingIsIssued() throws Exception {
        Path file = dir.resolve("tokens.txt");
        ApiTokens t = tokens(file);
        assertEquals("agent 'mallory' is not registered and has no grants: check the name (aios:ps lists registered"
                + " agents), or register it first (aios:register mallory)", assertThrows(IllegalArgumentException.class,
                () -> t.issue(Principal.ofAgent("mallory"))).getMessage());
        assertEquals(0, t.list().size());
        assertFalse(Files.exists(file));
    }

    @Test
    void aDamagedTokenFile_isRefusedNamingIt() throws Exception {
        Path file = dir.resolve("tokens.txt");
        Files.writeString(file, "aios-tokens 1\nt1 operator 2026-01-01T00:00:00Z nothex\n");
        DamagedFileException e = assertThrows(DamagedFileException.class, () -> tokens(file));
        assertTrue(e.getMessage().startsWith(file + " line 2: a token line is"), e.getMessage());
        Files.writeString(file, "");
        assertThrows(DamagedFileException.class, () -> tokens(file));
    }
}
