package aios.tool.files;

import aios.kernel.api.Kernel;
import aios.kernel.api.syscall.StorageOperation;
import aios.kernel.api.tool.ToolService;
import com.fasterxml.jackson.databind.JsonNode;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/** {@code file_read}: the current content of one of the caller's files, as text. */
@Component(service = ToolService.class, configurationPid = AgentStorage.PID)
@Designate(ocd = FilesConfig.class)
public final class FileRead extends FileTool {

    @Activate
    public FileRead(@Reference Kernel kernel, FilesConfig config) {
        super(kernel, config);
    }

    FileRead(AgentStorage storage, FilesConfig config) {
        super(storage, config);
    }

    @Override
    public String name() {
        return "file_read";
    }

    @Override
    public String description() {
        return "Read one of your files: returns its current content as text. Paths are relative to your own storage,"
                + " with / between directories";
    }

    @Override
    public String parameters() {
        return """
                {"type": "object",
                 "properties": {"path": {"type": "string", "minLength": 1, "maxLength": 1024,
                                         "description": "the file's path in your storage, such as notes/plan.md"}},
                 "required": ["path"], "additionalProperties": false}""";
    }

    @Override
    String run(String agent, JsonNode arguments) throws Exception {
        return storage().run(agent, new StorageOperation.Read(arguments.path("path").asText())).content();
    }
}
