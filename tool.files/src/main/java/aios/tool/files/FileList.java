package aios.tool.files;

import aios.kernel.api.Kernel;
import aios.kernel.api.syscall.StorageOperation;
import aios.kernel.api.syscall.StorageResult;
import aios.kernel.api.tool.ToolService;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code file_list}: the entries of one of the caller's directories (its root by default). */
@Component(service = ToolService.class, configurationPid = AgentStorage.PID)
public final class FileList extends FileTool {

    @Activate
    public FileList(@Reference Kernel kernel, FilesConfig config) {
        super(kernel, config);
    }

    FileList(AgentStorage storage, FilesConfig config) {
        super(storage, config);
    }

    @Override
    public String name() {
        return "file_list";
    }

    @Override
    public String description() {
        return "List a directory of your storage (your root when no path is given): its files, and its"
                + " subdirectories ending in /";
    }

    @Override
    public String parameters() {
        return """
                {"type": "object",
                 "properties": {"path": {"type": "string", "maxLength": 1024,
                                         "description": "the directory's path in your storage; empty for the root"}},
                 "additionalProperties": false}""";
    }

    @Override
    String run(String agent, JsonNode arguments) throws Exception {
        String path = arguments.path("path").asText("");
        StorageResult r = storage().run(agent, new StorageOperation.List(path));
        ObjectNode out = JSON.createObjectNode().put("path", path);
        r.entries().forEach(out.putArray("entries")::add);
        return out.toString();
    }
}
