package aios.tool.calc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.tool.ToolInvocation;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class CalculatorTest {

    private static String value(String expression) {
        Rational r = ExactArithmetic.evaluate(expression);
        return r.hasFiniteDecimal() ? r.decimal() : r.fraction();
    }

    private static String error(String expression) {
        return assertThrows(IllegalArgumentException.class, () -> ExactArithmetic.evaluate(expression)).getMessage();
    }

    @Test
    void decimalsAreExact() {
        assertEquals("0.3", value("0.1 + 0.2"));
        assertEquals("0", value("0.1 + 0.2 - 0.3"));
        assertEquals("1", value("1/3 * 3"));
        assertEquals("1/3", value("1/3"));
        assertEquals("0.5", value("1/3 + 1/6"));
        assertEquals("-0.0025", value("-2.5e-3"));
        assertEquals("1500", value("1.5e3"));
        assertEquals("0.5", value(".5"));
        assertEquals("22/7", value("22 / 7"));
        assertEquals("-7/3", value("7 / -3"));
    }

    @Test
    void bigIntegersStayExact() {
        assertEquals(BigInteger.TWO.pow(200).toString(), value("2^200"));
        assertEquals("340282366920938463463374607431768211456", value("2**128"));
        assertEquals("99999999999999999999999999999999999999980000000000000000000000000000000000000001",
                value("(10^40 - 1)^2"));
        assertEquals("1", value("123456789123456789123456789 / 123456789123456789123456789"));
        assertEquals(new BigInteger("1").shiftLeft(1000).add(BigInteger.ONE).toString(), value("2^1000 + 1"));
    }

    @Test
    void precedenceAndAssociativity() {
        assertEquals("7", value("1 + 2 * 3"));
        assertEquals("9", value("(1 + 2) * 3"));
        assertEquals("-4", value("-2^2"));
        assertEquals("4", value("(-2)^2"));
        assertEquals("512", value("2^3^2"));
        assertEquals("0.5", value("2^-1"));
        assertEquals("1", value("8 / 4 / 2"));
        assertEquals("4", value("10 - 4 - 2"));
        assertEquals("1", value("0^0"));
        assertEquals("-1", value("(-1)^99999999"));
        assertEquals("5", value("--5"));
    }

    @Test
    void errorsNameThePositionAndTheFix() {
        assertEquals("at position 2 of '1/(2-2)': division by zero: the divisor after this '/' is 0", error("1/(2-2)"));
        assertEquals("at position 2 of '0^-1': division by zero: 0 to a negative power", error("0^-1"));
        assertEquals("at position 3 of '1+*2': expected a number or '(' but found '*'", error("1+*2"));
        assertEquals("at position 5 of '(1+2': the '(' at position 1 is never closed: add ')'", error("(1+2"));
        assertEquals("at position 4 of '1+2)': ')' has no '(' to close", error("1+2)"));
        assertEquals("at position 2 of '2x': expected an operator (+ - * / ^) or the end but found 'x'", error("2x"));
        assertEquals("at position 1 of 'abc': expected a number or '(' but found 'a': use numbers, + - * / ^ and"
                + " parentheses", error("abc"));
        assertEquals("at position 2 of '2^0.5': the exponent is 1/2, not an integer: calc is exact and takes no roots;"
                + " use an integer exponent", error("2^0.5"));
        assertEquals("at position 3 of '1+': the expression ends where a number or '(' is expected", error("1+"));
        assertTrue(error("  ").startsWith("the expression is empty"));
        assertTrue(error("10^100000").contains("past calc's limit"), error("10^100000"));
        assertTrue(error("(2^60000)*(2^60000)").contains("past calc's limit"));
        assertTrue(error("1e9999999").contains("past calc's limit"));
        String longOne = "1+".repeat(100) + "*";
        assertTrue(error(longOne).contains("of '…"), error(longOne));
    }

    @Test
    void theToolAnswersInJson() throws Exception {
        Calculator calc = new Calculator();
        assertEquals("{\"value\":\"0.3\",\"decimal\":\"0.3\",\"decimal_exact\":true}",
                calc.invoke(new ToolInvocation("alice", "1", "{\"expression\":\"0.1+0.2\"}")));
        assertEquals("{\"value\":\"2/3\",\"decimal\":\"0.6666666666666666666666666666666666666667\",\"decimal_exact\":false}",
                calc.invoke(new ToolInvocation("alice", "1", "{\"expression\":\"2/3\"}")));
        assertEquals("{\"value\":\"1000000000000\",\"decimal\":\"1000000000000\",\"decimal_exact\":true}",
                calc.invoke(new ToolInvocation("alice", "1", "{\"expression\":\"10^12\"}")));
        assertEquals("calc", calc.name());
    }
}
