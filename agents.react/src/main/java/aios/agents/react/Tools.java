package aios.agents.react;

import aios.kernel.api.syscall.ToolSpec;
import java.util.List;

/**
 * The tools the agent offers its model: {@code calc} (tool.calc) and the file tools of tool.files, with their
 * parameter schemas. The access policy decides whether the agent may call them; a tool that is not installed gives
 * the model an error to read, as any failed call does.
 */
final class Tools {

    private Tools() {
    }

    static final ToolSpec CALC = new ToolSpec("calc", "Exact arithmetic on rational numbers: + - * / ^ and "
            + "parentheses. Returns the exact value, and its decimal", """
            {"type": "object",
             "properties": {"expression": {"type": "string", "description": "an arithmetic expression, such as (2 + 3) * 4"}},
             "required": ["expression"], "additionalProperties": false}""");

    static final ToolSpec FILE_READ = new ToolSpec("file_read", "Read one of your files: returns its content", """
            {"type": "object",
             "properties": {"path": {"type": "string", "description": "the file's path, relative to your storage"}},
             "required": ["path"], "additionalProperties": false}""");

    static final ToolSpec FILE_WRITE = new ToolSpec("file_write", "Write one of your files, replacing its content "
            + "(earlier versions are kept)", """
            {"type": "object",
             "properties": {"path": {"type": "string", "description": "the file's path, relative to your storage"},
                            "content": {"type": "string", "description": "the file's new content"}},
             "required": ["path", "content"], "additionalProperties": false}""");

    static final ToolSpec FILE_LIST = new ToolSpec("file_list", "List a directory of your storage (your root when no "
            + "path is given)", """
            {"type": "object",
             "properties": {"path": {"type": "string", "description": "the directory's path, relative to your storage"}},
             "additionalProperties": false}""");

    static final List<ToolSpec> ALL = List.of(CALC, FILE_READ, FILE_WRITE, FILE_LIST);
}
