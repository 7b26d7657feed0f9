package aios.tool.calc;

import aios.kernel.api.tool.ToolInvocation;
import aios.kernel.api.tool.ToolService;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import org.osgi.service.component.annotations.Component;

/**
 * The {@code calc} tool: exact arithmetic. {@code {"expression": "0.1 + 0.2"}} gives
 * {@code {"value":"0.3","decimal":"0.3","decimal_exact":true}}; {@code 1/3} gives {@code "value":"1/3"} with a
 * decimal rounded to 40 significant digits and {@code "decimal_exact":false}. {@code value} is always exact: an
 * integer, a decimal that ends, or a fraction in lowest terms.
 */
@Component(service = ToolService.class)
public final class Calculator implements ToolService {

    static final String SCHEMA = """
            {
              "type": "object",
              "properties": {
                "expression": {
                  "type": "string", "minLength": 1, "maxLength": 10000,
                  "description": "an arithmetic expression: numbers (12, 0.1, 2.5e-3), + - * /, ^ or ** with an integer exponent, parentheses"
                }
              },
              "required": ["expression"],
              "additionalProperties": false
            }""";

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String name() {
        return "calc";
    }

    @Override
    public String description() {
        return "Exact arithmetic on rational numbers: + - * / ^ and parentheses; 0.1 + 0.2 is exactly 0.3 and 1/3 stays"
                + " 1/3. Returns the exact value, and its decimal";
    }

    @Override
    public String parameters() {
        return SCHEMA;
    }

    @Override
    public int parallelism() {
        return 4;
    }

    @Override
    public Duration timeout() {
        return Duration.ofSeconds(5);
    }

    @Override
    public String invoke(ToolInvocation invocation) throws Exception {
        String expression = JSON.readTree(invocation.arguments()).path("expression").asText();
        return answer(ExactArithmetic.evaluate(expression));
    }

    /** The JSON answer for a value. */
    static String answer(Rational r) {
        ObjectNode out = JSON.createObjectNode();
        boolean finite = r.hasFiniteDecimal();
        String decimal = r.decimal();
        out.put("value", finite ? decimal : r.fraction());
        out.put("decimal", decimal);
        out.put("decimal_exact", finite);
        return out.toString();
    }
}
