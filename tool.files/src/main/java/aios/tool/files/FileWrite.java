package aios.tool.files;

import aios.kernel.api.Kernel;
import aios.kernel.api.syscall.StorageOperation;
import aios.kernel.api.syscall.StorageResult;
import aios.kernel.api.tool.ToolService;
import com.fasterxml.jackson.databind.JsonNode;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code file_write}: writes one of the caller's files (creating it and its directories). Reversible: the storage
 * manager keeps every version, and {@code rollback} brings an earlier one back.
 */
@Component(service = ToolService.class, configurationPid = AgentStorage.PID)
public final class FileWrite extends FileTool {

    @Activate
    public FileWrite(@Reference Kernel kernel, FilesConfig config) {
        super(kernel, config);
    }

    FileWrite(AgentStorage storage, FilesConfig config) {
        super(storage, config);
    }

    @Override
    public String name() {
        return "file_write";
    }

    @Override
    public String description() {
        return "Write one of your files, replacing its content (earlier versions are kept). Creates the file and its"
                + " directories when missing. Returns the file's new version";
    }

    @Override
    public String parameters() {
        return """
                {"type": "object",
                 "properties": {"path": {"type": "string", "minLength": 1, "maxLength": 1024,
                                         "description": "the file's path in your storage, such as notes/plan.md"},
                                "content": {"type": "string", "description": "the file's new content"}},
                 "required": ["path", "content"], "additionalProperties": false}""";
    }

    @Override
    String run(String agent, JsonNode arguments) throws Exception {
        String path = arguments.path("path").asText();
        StorageResult r = storage().run(agent, new StorageOperation.Write(path, arguments.path("content").asText()));
        return JSON.createObjectNode().put("path", path).put("version", r.version()).toString();
    }
}
