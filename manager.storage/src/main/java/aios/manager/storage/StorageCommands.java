package aios.manager.storage;

import aios.kernel.api.syscall.StorageOperation;
import aios.kernel.api.syscall.StorageQuery;
import aios.text.TextTable;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@code storage:} commands: an operator's look at agents' files. Paths are those the agent sees (below its
 * mount root). They go straight to the storage manager, not through the kernel's queue, so they are not in the
 * task history.
 */
@Component(service = StorageCommands.class, property = {
        "osgi.command.scope=storage",
        "osgi.command.function=ls",
        "osgi.command.function=cat",
        "osgi.command.function=versions",
        "osgi.command.function=rollback",
        "osgi.command.function=check"})
public final class StorageCommands {

    @Reference
    private AgentFiles files;
    @Reference
    private Database db;

    /** For DS. */
    public StorageCommands() {
    }

    StorageCommands(AgentFiles files, Database db) {
        this.files = files;
        this.db = db;
    }

    @Descriptor("check the storage database's integrity (SQLite's integrity_check): prints ok, or the problems found")
    public String check() throws SQLException {
        return String.join("\n", db.integrityCheck()) + "\n";
    }

    @Descriptor("list a directory of an agent's storage (its root when no path is given)")
    public String ls(@Descriptor("agent name") String agent,
                     @Descriptor("directory, relative to the agent's root") String... path) throws SQLException {
        if (path.length > 1) {
            throw new IllegalArgumentException("storage:ls takes an agent and at most one path");
        }
        List<AgentFiles.Listed> entries = files.listing(agent, path.length == 0 ? "" : path[0]);
        if (entries.isEmpty()) {
            return "(empty)\n";
        }
        TextTable t = new TextTable("NAME", "VERSION", "BYTES", "WRITTEN");
        for (AgentFiles.Listed e : entries) {
            t.row(e.name() + (e.dir() ? "/" : ""), e.dir() ? "" : e.version(), e.dir() ? "" : e.size(),
                    e.dir() ? "" : HistoryCommands.TIME.format(e.written()));
        }
        return t.toString();
    }

    @Descriptor("print the current content of an agent's file")
    public String cat(@Descriptor("agent name") String agent, @Descriptor("file path") String path)
            throws SQLException {
        return files.execute(new StorageQuery(agent, new StorageOperation.Read(path))).content();
    }

    @Descriptor("list the versions of an agent's file, oldest first; * marks the current one")
    public String versions(@Descriptor("agent name") String agent, @Descriptor("file path") String path)
            throws SQLException {
        TextTable t = new TextTable("VERSION", "BYTES", "WRITTEN", "CURRENT");
        for (AgentFiles.FileVersion v : files.versions(agent, path)) {
            t.row(v.version(), v.size(), HistoryCommands.TIME.format(v.written()), v.current() ? "*" : "");
        }
        return t.toString();
    }

    @Descriptor("bring back an earlier version of an agent's file, as a new version")
    public String rollback(@Descriptor("agent name") String agent, @Descriptor("file path") String path,
                           @Descriptor("how many versions back (1: the previous one), or a time: an ISO instant or a "
                                   + "duration back such as 5m") String back) throws SQLException {
        StorageOperation.Rollback op;
        if (back.matches("\\d{1,9}")) {
            op = new StorageOperation.Rollback(path, Integer.parseInt(back), null);
        } else {
            op = new StorageOperation.Rollback(path, 0, TimeArgument.parse("the version", back, Instant.now()));
        }
        return files.execute(new StorageQuery(agent, op)).message() + "\n";
    }
}
