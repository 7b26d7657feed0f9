package aios.manager.access;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
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
        List<String> lines = lines(file);
        List<AccessList.Group> groups = new ArrayList<>();
        List<AccessList.Grants> agents = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        boolean header = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (!header) {
                if (!line.equals(HEADER)) {
                    throw new DamagedFileException(file, i + 1, "the first line must be '" + HEADER + "', not '"
                            + line + "': this is not an access list of this version");
                }
                header = true;
                continue;
            }
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
                throw new DamagedFileException(file, i + 1, e.getMessage());
            }
        }
        if (!header) {
            throw new DamagedFileException(file, 0, "it is empty: it has no '" + HEADER + "' line");
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

    static List<String> lines(Path file) throws DamagedFileException, IOException {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new DamagedFileException(file, 0, "it is not UTF-8 text");
        }
    }
}
