package aios.manager.tool;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import java.util.List;
import java.util.Locale;

/**
 * A tool's parameter schema, compiled once when the tool appears, checking the arguments of each call. Schemas are
 * JSON Schema 2020-12 unless they name another draft in {@code $schema}; {@code format} is asserted (a {@code uri}
 * that is not one is refused). References resolve only within the schema and to the drafts' meta-schemas: nothing
 * is fetched from the network or read from files.
 *
 * <p>Immutable and thread-safe once compiled.
 */
final class ArgumentSchema {

    private static final String DEFAULT_META_SCHEMA = "https://json-schema.org/draft/2020-12/schema";
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            b -> b.schemaLoader(l -> l.fetchRemoteResources(false))
                    .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true)
                            .locale(Locale.ENGLISH).build()));

    private final Schema schema;

    private ArgumentSchema(Schema schema) {
        this.schema = schema;
    }

    /**
     * Compiles a tool's schema.
     *
     * @throws IllegalArgumentException naming the tool and what is wrong: not JSON, not a schema of an object, not a
     *     valid schema of its draft (each violation with its place), or a reference that cannot be resolved
     */
    static ArgumentSchema compile(String tool, String text) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the parameter schema of tool '" + tool + "' is not valid JSON: "
                    + Json.describe(e) + "; ToolService.parameters() must return a JSON Schema as text");
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("the parameter schema of tool '" + tool + "' is not a JSON object: give a"
                    + " JSON Schema such as {\"type\":\"object\",\"properties\":{…}}");
        }
        if (!"object".equals(node.path("type").asText(null))) {
            throw new IllegalArgumentException("the parameter schema of tool '" + tool + "' does not describe a JSON"
                    + " object: tool arguments are always an object, so the schema needs \"type\": \"object\"");
        }
        String metaUri = node.path("$schema").asText(DEFAULT_META_SCHEMA);
        try {
            Schema meta = REGISTRY.getSchema(SchemaLocation.of(metaUri));
            List<Error> wrong = meta.validate(node);
            if (!wrong.isEmpty()) {
                throw new IllegalArgumentException("the parameter schema of tool '" + tool + "' is not a valid JSON"
                        + " Schema: " + describe("schema", wrong));
            }
            Schema compiled = REGISTRY.getSchema(node);
            compiled.initializeValidators(); // resolves every reference now, not at the first call
            return new ArgumentSchema(compiled);
        } catch (SchemaException | IllegalStateException | UnsupportedOperationException e) {
            throw new IllegalArgumentException("the parameter schema of tool '" + tool + "' cannot be used: "
                    + (e.getMessage() == null ? e.toString() : e.getMessage()) + " (references may point only inside"
                    + " the schema; $schema may name only a JSON Schema draft from 4 to 2020-12)");
        }
    }

    /** What is wrong with the arguments, one entry per violation with its place; empty when they are valid. */
    List<String> violations(JsonNode arguments) {
        return schema.validate(arguments).stream().map(e -> place("arguments", e) + ": " + e.getMessage()).toList();
    }

    private static String describe(String root, List<Error> errors) {
        return String.join("; ", errors.stream().map(e -> place(root, e) + ": " + e.getMessage()).toList());
    }

    /** {@code arguments/expression} for an error at {@code /expression}, {@code arguments} at the root. */
    private static String place(String root, Error e) {
        String at = e.getInstanceLocation() == null ? "" : e.getInstanceLocation().toString();
        return at.isEmpty() || at.equals("/") ? root : root + (at.startsWith("/") ? at : "/" + at);
    }
}
