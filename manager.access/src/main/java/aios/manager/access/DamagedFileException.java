package aios.manager.access;

import java.nio.file.Path;

/** One of the access manager's files cannot be read as what it should be; its name, line and the fault are told. */
final class DamagedFileException extends Exception {
    private static final long serialVersionUID = 1L;

    DamagedFileException(Path file, int line, String problem) {
        super(file + (line > 0 ? " line " + line : "") + ": " + problem + "; correct the file (or restore it from a"
                + " backup) and run acl:reload");
    }
}
