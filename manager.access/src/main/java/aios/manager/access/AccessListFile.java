package aios.manager.access;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The access list on disk, {@code acl.txt}: a header line, then one line per group and per agent entry.
 *
 * <pre>
 * aios-acl 1
 * group default syscall:llm syscall:memory syscall:storage
 * agent alice @default tool:calc mount:shared
 * </pre>
 *
 * Lines starting with {@code #} and blank lines are ignored. A file that does not read back exactly is refused with
 * its name, line and what is wrong; nothing in it is used then.
 */
final class AccessListFile {

    static final String NAME = "acl.txt";
    private static final String HEADER = "aios-acl 1";

    private AccessListFile() {
    }

    /** The list in {@code file}; the initial list if there is no such file. */
    static AccessList read(Path file) throws DamagedFileException, IOException {
        if (!Files.exists(file)) {
            return AccessList.initial();
        }
        List<AccessList.Group> groups = new ArrayList<>();
        List<AccessList.Grants> agents = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (DurableFile.Line record : DurableFile.records(file, HEADER, "an access list")) {
            String line = record.text();
            List<String> words = Arrays.asList(line.split("\\s+"));
            try {
                String kind = words.get(0);
                if (words.size() < 2) {
                    throw new IllegalArgumentException("'" + kind + "' needs a name");
                }
                String name = words.get(1);
                if (!seen.add(kind + " " + name)) {
                    throw new IllegalArgumentException(kind + " '" + name + "' is listed twice");
                }
                List<String> items = words.subList(2, words.size());
                switch (kind) {
                    case "group" -> {
                        Set<Permission> ps = new LinkedHashSet<>();
                        for (String item : items) {
                            ps.add(Permission.parse(item));
                        }
                        AccessList.groupName("@" + name);
                        groups.add(new AccessList.Group(name, ps));
                    }
                    case "agent" -> {
                        Set<String> member = new LinkedHashSet<>();
                        Set<Permission> ps = new LinkedHashSet<>();
                        for (String item : items) {
                            if (item.startsWith("@")) {
                                member.add(AccessList.groupName(item));
                            } else {
                                ps.add(Permission.parse(item));
                            }
                        }
                        agents.add(new AccessList.Grants(AccessList.agentName(name), member, ps));
                    }
                    default -> throw new IllegalArgumentException("a line starts with 'group' or 'agent', not '" + kind
                            + "'");
                }
            } catch (IllegalArgumentException e) {
                throw new DamagedFileException(file, record.number(), e.getMessage());
            }
        }
        try {
            return new AccessList(groups, agents);
        } catch (IllegalArgumentException e) {
            throw new DamagedFileException(file, 0, e.getMessage());
        }
    }

    static void write(Path file, AccessList list) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("# The access manager's groups and agents' grants. Change them with the acl: commands (acl:grant, "
                + "acl:revoke); a file edited by hand is read at the next start or acl:reload.");
        lines.add(HEADER);
        for (AccessList.Group g : list.groups()) {
            StringBuilder b = new StringBuilder("group ").append(g.name());
            g.permissions().forEach(p -> b.append(' ').append(p.text()));
            lines.add(b.toString());
        }
        for (AccessList.Grants a : list.agents()) {
            StringBuilder b = new StringBuilder("agent ").append(a.agent());
            a.groups().forEach(g -> b.append(" @").append(g));
            a.permissions().forEach(p -> b.append(' ').append(p.text()));
            lines.add(b.toString());
        }
        DurableFile.write(file, lines);
    }
}
