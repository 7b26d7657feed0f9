package aios.llm.local;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the test model: in the directories of AIOS_MODELS, else in ../shared/models beside the project root. */
final class TestModel {
    static final String FILE = "stories260K.gguf";

    private TestModel() {
    }

    static Path path() {
        String env = System.getenv("AIOS_MODELS");
        String dirs = env != null && !env.isBlank() ? env : Path.of("").toAbsolutePath().getParent()
                .resolve("../shared/models").normalize().toString();
        for (String dir : dirs.split(File.pathSeparator)) {
            Path p = Path.of(dir).resolve(FILE);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return fail("the test model " + FILE + " is not in " + dirs
                + " — put it there, or set AIOS_MODELS to the directory that holds it");
    }
}
