package aios.api.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON at the edge: strict parsing of request bodies (one value, no duplicate keys, bounded nesting) and typed reads of
 * their fields, each refusal a 400 naming the field by its path ({@code query_data.messages[0].content}) and what it
 * should be.
 */
final class Json {

    /** Deeper documents are refused: no request of this API needs more, and deep nesting only costs stack. */
    static final int MAX_DEPTH = 64;

    static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {
    }

    /** The body as a JSON object. */
    static ObjectNode object(byte[] body) {
        if (body.length == 0) {
            throw ApiException.badRequest("the request body is empty: send a JSON object");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("the request body is not valid JSON: " + e.getOriginalMessage()
                    + location(e));
        } catch (IOException e) {
            throw ApiException.badRequest("the request body could not be read as JSON: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest("the request body must be a JSON object, not " + kind(node));
        }
        return (ObjectNode) node;
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr() + ")";
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    /** {@code a string}, {@code a number}, … for messages. */
    static String kind(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "missing";
        }
        JsonNodeType t = node.getNodeType();
        return switch (t) {
            case NULL -> "null";
            case BOOLEAN -> "a boolean";
            case NUMBER -> "a number";
            case STRING -> "a string";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            default -> t.name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String path(String parent, String field) {
        return parent.isEmpty() ? field : parent + "." + field;
    }

    private static ApiException wrongType(String path, String expected, JsonNode got) {
        return ApiException.badRequest(path + " must be " + expected + ", not " + kind(got));
    }

    /** A field that must be a JSON object. */
    static ObjectNode requiredObject(JsonNode parent, String field, String at) {
        JsonNode n = parent.get(field);
        if (n == null || !n.isObject()) {
            throw n == null ? ApiException.badRequest(path(at, field) + " is missing: give a JSON object")
                    : wrongType(path(at, field), "an object", n);
        }
        return (ObjectNode) n;
    }

    /** A field that is absent, null, or a JSON object. */
    static ObjectNode optionalObject(JsonNode parent, String field, String at) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            throw wrongType(path(at, field), "an object", n);
        }
        return (ObjectNode) n;
    }

    /** A field that must be a non-empty string. */
    static String requiredText(JsonNode parent, String field, String at) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            throw ApiException.badRequest(path(at, field) + " is missing: give a string");
        }
        if (!n.isTextual()) {
            throw wrongType(path(at, field), "a string", n);
        }
        if (n.textValue().isEmpty()) {
            throw ApiException.badRequest(path(at, field) + " is empty: give a non-empty string");
        }
        return n.textValue();
    }

    /** A field that is absent, null or a string (possibly empty). */
    static String optionalText(JsonNode parent, String field, String at) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw wrongType(path(at, field), "a string", n);
        }
        return n.textValue();
    }

    /** A field that is absent, null or a whole number in [min, max]. */
    static Integer optionalInt(JsonNode parent, String field, String at, int min, int max) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isNumber() || !(n.isIntegralNumber() || n.doubleValue() == Math.rint(n.doubleValue()))) {
            throw wrongType(path(at, field), "a whole number", n);
        }
        double v = n.doubleValue();
        if (v < min || v > max) {
            throw ApiException.badRequest(path(at, field) + " is " + n.asText() + ": give a whole number from " + min
                    + " to " + max);
        }
        return (int) v;
    }

    /** A field that is absent, null or a finite number in [min, max]. */
    static Double optionalDouble(JsonNode parent, String field, String at, double min, double max) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isNumber() || !Double.isFinite(n.doubleValue())) {
            throw wrongType(path(at, field), "a number", n);
        }
        double v = n.doubleValue();
        if (v < min || v > max) {
            throw ApiException.badRequest(path(at, field) + " is " + n.asText() + ": give a number from " + min
                    + " to " + max);
        }
        return v;
    }

    /** A field that is absent, null or a boolean. */
    static Boolean optionalBoolean(JsonNode parent, String field, String at) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isBoolean()) {
            throw wrongType(path(at, field), "true or false", n);
        }
        return n.booleanValue();
    }

    /** A field that is absent or null (empty list), or an array. */
    static List<JsonNode> optionalArray(JsonNode parent, String field, String at) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            throw wrongType(path(at, field), "an array", n);
        }
        List<JsonNode> items = new ArrayList<>();
        n.forEach(items::add);
        return items;
    }

    /** A field that must be a non-empty array. */
    static List<JsonNode> requiredArray(JsonNode parent, String field, String at) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            throw ApiException.badRequest(path(at, field) + " is missing: give an array");
        }
        List<JsonNode> items = optionalArray(parent, field, at);
        if (items.isEmpty()) {
            throw ApiException.badRequest(path(at, field) + " is empty: give at least one item");
        }
        return items;
    }

    /** An array item that must be an object. */
    static ObjectNode objectItem(JsonNode item, String at) {
        if (!item.isObject()) {
            throw wrongType(at, "an object", item);
        }
        return (ObjectNode) item;
    }

    /**
     * A map of strings: string values stay as they are, other JSON values become their JSON text (the kernel keeps
     * metadata as text).
     */
    static Map<String, String> stringMap(ObjectNode object) {
        Map<String, String> map = new LinkedHashMap<>();
        if (object != null) {
            object.properties().forEach(e -> map.put(e.getKey(),
                    e.getValue().isTextual() ? e.getValue().textValue() : e.getValue().toString()));
        }
        return map;
    }

    /**
     * Metadata as kernel text back to JSON: a value that was written as a JSON array or object (see
     * {@link #stringMap}) comes back as that array or object; every other value as a string.
     */
    static Map<String, Object> metadataOut(Map<String, String> metadata) {
        Map<String, Object> out = new LinkedHashMap<>();
        metadata.forEach((k, v) -> out.put(k, structured(v)));
        return out;
    }

    private static Object structured(String v) {
        String s = v.strip();
        if ((s.startsWith("[") && s.endsWith("]")) || (s.startsWith("{") && s.endsWith("}"))) {
            try {
                return MAPPER.readTree(s);
            } catch (IOException e) {
                return v; // text that only looks like JSON
            }
        }
        return v;
    }

    /** A JSON object's text for a tool's arguments: an object as its JSON text, a string as given (it is JSON text). */
    static String argumentsText(JsonNode args, String at) {
        if (args == null || args.isNull()) {
            return "{}";
        }
        if (args.isObject()) {
            return args.toString();
        }
        if (args.isTextual()) {
            return args.textValue();
        }
        throw wrongType(at, "an object (or its JSON text)", args);
    }

    /** Parses a model's or tool's JSON text for a response; text that is not JSON stays text. */
    static Object parsedOrText(String text) {
        if (text == null) {
            return null;
        }
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            return text;
        }
    }
}
