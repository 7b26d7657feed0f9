package aios.run.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

/**
 * Crash safety for real, through {@code bench:crash}: a kernel process writes files and memory notes through the
 * kernel and is killed with SIGKILL mid-stream, three times on the same data directory; a fourth finds every write
 * it had acknowledged and every acknowledged syscall in the task history, and SQLite finds the database intact.
 */
public class CrashIT {

    @Test
    public void nothingAcknowledgedIsLostAcrossKillNine() throws Exception {
        ScriptModeIT.Result r = ScriptModeIT.runJar(System.getProperty("aios.bench.jar"), ScriptModeIT.newWorkDir(),
                true, "bench:crash --cycles 3 --seed 7 --json");
        assertEquals("exit status; stderr:\n" + r.stderr(), 0, r.status());
        String json = r.stdout().strip();
        assertTrue(json, json.matches("\\{\"bench\":\"crash\",\"cycles\":3,\"acknowledged\":[1-9]\\d*,"
                + "\"checked\":[1-9]\\d*,\"lost\":0,\"history_lost\":0,\"integrity\":\"ok\"}"));
    }
}
