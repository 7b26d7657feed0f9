package aios.manager.access;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The access manager's text files: a header line naming the format, then one record per line (blank lines and lines
 * starting with {@code #} ignored). {@link #write} writes so that after a crash the file holds the new text or the
 * old, never part of one: a temporary file beside it, forced to disk, renamed over it, and the directory forced too.
 * Where the file system knows POSIX permissions the file is readable and writable by its owner only.
 */
final class DurableFile {

    /** A record of a file, with its line number for messages. */
    record Line(int number, String text) {
    }

    private DurableFile() {
    }

    /**
     * The records of {@code file} after its header line, stripped; none when there is no such file.
     *
     * @param what what the file is, for messages ("an access list")
     * @throws DamagedFileException when it is not UTF-8 text, or its first record is not {@code header}
     */
    static List<Line> records(Path file, String header, String what) throws DamagedFileException, IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new DamagedFileException(file, 0, "it is not UTF-8 text");
        }
        List<Line> out = new ArrayList<>();
        boolean headed = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (!headed) {
                if (!line.equals(header)) {
                    throw new DamagedFileException(file, i + 1, "the first line must be '" + header + "', not '"
                            + line + "': this is not " + what + " of this version");
                }
                headed = true;
                continue;
            }
            out.add(new Line(i + 1, line));
        }
        if (!headed) {
            throw new DamagedFileException(file, 0, "it is empty or cut: it has no '" + header + "' line");
        }
        return out;
    }

    static void write(Path target, List<String> lines) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(target.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        byte[] bytes = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
        Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        FileAttribute<?>[] ownerOnly = FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
        try (FileChannel ch = FileChannel.open(tmp, options, ownerOnly)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true); // the rename itself
        } catch (IOException e) {
            // some file systems cannot open a directory for syncing; the rename is still atomic there
        }
    }
}
