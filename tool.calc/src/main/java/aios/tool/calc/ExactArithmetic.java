package aios.tool.calc;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Evaluates an arithmetic expression exactly, over rational numbers: {@code + - * /}, {@code ^} (or {@code **}) with
 * an integer exponent, parentheses, unary minus and plus; numbers as {@code 12}, {@code 0.1}, {@code .5},
 * {@code 2.5e-3}. Usual precedence: {@code ^} binds tighter than unary minus ({@code -2^2 = -4}) and to the right
 * ({@code 2^3^2 = 2^9}); the others are left-associative.
 *
 * <p>Errors name the position (counting from 1) and what to do. Numbers are held to {@value #MAX_BITS} bits (about
 * 30,000 decimal digits) so that no expression can keep the tool busy for long.
 */
final class ExactArithmetic {

    static final int MAX_BITS = 100_000;
    private static final int MAX_EXPONENT_DIGITS = 6;

    private final String text;
    private int pos; // index of the next character

    private ExactArithmetic(String text) {
        this.text = text;
    }

    /**
     * @throws IllegalArgumentException with the position and the reason: a syntax error, a division by zero, an
     *     exponent that is not an integer, or a number past the size limit
     */
    static Rational evaluate(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException("the expression is empty: give an arithmetic expression such as"
                    + " 1/3 + 1/6");
        }
        ExactArithmetic p = new ExactArithmetic(expression);
        Rational r = p.sum();
        p.skipSpace();
        if (p.pos < expression.length()) {
            char c = expression.charAt(p.pos);
            throw p.error(p.pos, c == ')' ? "')' has no '(' to close"
                    : "expected an operator (+ - * / ^) or the end but found " + quote(c));
        }
        return r;
    }

    private Rational sum() {
        Rational r = product();
        for (;;) {
            skipSpace();
            if (accept('+')) {
                r = r.add(product());
            } else if (accept('-')) {
                r = r.subtract(product());
            } else {
                return r;
            }
        }
    }

    private Rational product() {
        Rational r = unary();
        for (;;) {
            skipSpace();
            int at = pos;
            if (peek('*') && !peekAt(pos + 1, '*')) {
                pos++;
                r = sized(r.multiply(unary()), at);
            } else if (accept('/')) {
                Rational divisor = unary();
                if (divisor.numerator().signum() == 0) {
                    throw error(at, "division by zero: the divisor after this '/' is 0");
                }
                r = sized(r.divide(divisor), at);
            } else {
                return r;
            }
        }
    }

    private Rational unary() {
        skipSpace();
        if (accept('-')) {
            return unary().negate();
        }
        if (accept('+')) {
            return unary();
        }
        return power();
    }

    private Rational power() {
        Rational base = primary();
        skipSpace();
        int at = pos;
        if (accept('^') || acceptTwo('*')) {
            Rational exponent = unary(); // right-associative, and 2^-1 is 1/2
            if (!exponent.isInteger()) {
                throw error(at, "the exponent is " + exponent.fraction() + ", not an integer: calc is exact and takes"
                        + " no roots; use an integer exponent");
            }
            if (base.numerator().signum() == 0 && exponent.numerator().signum() < 0) {
                throw error(at, "division by zero: 0 to a negative power");
            }
            if (base.numerator().abs().equals(BigInteger.ONE) && base.isInteger()) {
                return base.numerator().signum() > 0 || !exponent.numerator().testBit(0) ? Rational.ONE : base;
            }
            if (base.numerator().signum() == 0) {
                return exponent.numerator().signum() == 0 ? Rational.ONE : Rational.ZERO;
            }
            long bits = (long) base.bits() * exponent.numerator().abs().min(BigInteger.valueOf(MAX_BITS + 1))
                    .longValueExact();
            if (bits > MAX_BITS) {
                throw tooLarge(at);
            }
            return base.pow(exponent.numerator().intValueExact());
        }
        return base;
    }

    private Rational primary() {
        skipSpace();
        if (pos >= text.length()) {
            throw error(pos, "the expression ends where a number or '(' is expected");
        }
        char c = text.charAt(pos);
        if (c == '(') {
            int open = pos++;
            Rational r = sum();
            skipSpace();
            if (!accept(')')) {
                throw error(pos, pos >= text.length() ? "the '(' at position " + (open + 1) + " is never closed: add ')'"
                        : "expected ')' to close the '(' at position " + (open + 1) + " but found "
                        + quote(text.charAt(pos)));
            }
            return r;
        }
        if (isDigit(c) || c == '.') {
            return number();
        }
        throw error(pos, "expected a number or '(' but found " + quote(c)
                + (isOperator(c) ? "" : ": use numbers, + - * / ^ and parentheses"));
    }

    private Rational number() {
        int start = pos;
        while (pos < text.length() && isDigit(text.charAt(pos))) {
            pos++;
        }
        if (pos < text.length() && text.charAt(pos) == '.') {
            pos++;
            while (pos < text.length() && isDigit(text.charAt(pos))) {
                pos++;
            }
        }
        String mantissa = text.substring(start, pos);
        if (mantissa.equals(".")) {
            throw error(start, "'.' is not a number: write 0.5 or .5");
        }
        if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
            int e = pos++;
            if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
                pos++;
            }
            int digits = pos;
            while (pos < text.length() && isDigit(text.charAt(pos))) {
                pos++;
            }
            if (pos == digits) {
                throw error(e, "the exponent of " + quote(text.substring(start, pos)) + " has no digits: write such as"
                        + " 2.5e-3");
            }
            if (pos - digits > MAX_EXPONENT_DIGITS) {
                throw tooLarge(e);
            }
        }
        BigDecimal d = new BigDecimal(text.substring(start, pos));
        if (Math.abs((long) d.scale()) > MAX_BITS / 3 || d.unscaledValue().bitLength() > MAX_BITS) {
            throw tooLarge(start);
        }
        return sized(Rational.of(d), start);
    }

    private Rational sized(Rational r, int at) {
        if (r.bits() > MAX_BITS) {
            throw tooLarge(at);
        }
        return r;
    }

    private IllegalArgumentException tooLarge(int at) {
        return error(at, "the number here would have more than about 30,000 digits, past calc's limit of " + MAX_BITS
                + " bits");
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private boolean peek(char c) {
        return peekAt(pos, c);
    }

    private boolean peekAt(int i, char c) {
        return i < text.length() && text.charAt(i) == c;
    }

    private boolean accept(char c) {
        if (peek(c)) {
            pos++;
            return true;
        }
        return false;
    }

    private boolean acceptTwo(char c) {
        if (peek(c) && peekAt(pos + 1, c)) {
            pos += 2;
            return true;
        }
        return false;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isOperator(char c) {
        return "+-*/^)".indexOf(c) >= 0;
    }

    private static String quote(char c) {
        return Character.isISOControl(c) ? String.format("character U+%04X", (int) c) : "'" + c + "'";
    }

    private static String quote(String s) {
        return "'" + s + "'";
    }

    /** An error at index {@code at}: position (from 1), the expression (shortened around it when long), the reason. */
    private IllegalArgumentException error(int at, String reason) {
        return new IllegalArgumentException("at position " + (at + 1) + " of " + excerpt(at) + ": " + reason);
    }

    private String excerpt(int at) {
        if (text.length() <= 80) {
            return "'" + text + "'";
        }
        int from = Math.max(0, at - 30);
        int to = Math.min(text.length(), at + 30);
        return "'" + (from > 0 ? "…" : "") + text.substring(from, to) + (to < text.length() ? "…" : "") + "'";
    }
}
