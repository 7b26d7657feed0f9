package aios.tool.calc;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * An exact rational number: numerator over a positive denominator, in lowest terms. Immutable.
 *
 * @param numerator any integer
 * @param denominator positive, sharing no factor with the numerator
 */
record Rational(BigInteger numerator, BigInteger denominator) {

    static final Rational ZERO = new Rational(BigInteger.ZERO, BigInteger.ONE);
    static final Rational ONE = new Rational(BigInteger.ONE, BigInteger.ONE);
    /** Significant digits of the rounded decimal of a number whose decimal does not end. */
    static final int ROUNDED_DIGITS = 40;

    Rational {
        if (denominator.signum() == 0) {
            throw new ArithmeticException("division by zero");
        }
        if (denominator.signum() < 0) {
            numerator = numerator.negate();
            denominator = denominator.negate();
        }
        BigInteger gcd = numerator.gcd(denominator);
        if (!gcd.equals(BigInteger.ONE) && gcd.signum() != 0) {
            numerator = numerator.divide(gcd);
            denominator = denominator.divide(gcd);
        }
        if (numerator.signum() == 0) {
            denominator = BigInteger.ONE;
        }
    }

    /** The exact value of a decimal such as {@code 0.1} or {@code 2.5e-3}. */
    static Rational of(BigDecimal d) {
        return d.scale() <= 0 ? new Rational(d.toBigIntegerExact(), BigInteger.ONE)
                : new Rational(d.unscaledValue(), BigInteger.TEN.pow(d.scale()));
    }

    Rational add(Rational o) {
        return new Rational(numerator.multiply(o.denominator).add(o.numerator.multiply(denominator)),
                denominator.multiply(o.denominator));
    }

    Rational subtract(Rational o) {
        return add(o.negate());
    }

    Rational multiply(Rational o) {
        return new Rational(numerator.multiply(o.numerator), denominator.multiply(o.denominator));
    }

    /** @throws ArithmeticException if {@code o} is zero */
    Rational divide(Rational o) {
        return new Rational(numerator.multiply(o.denominator), denominator.multiply(o.numerator));
    }

    Rational negate() {
        return new Rational(numerator.negate(), denominator);
    }

    /** @throws ArithmeticException if this is zero and {@code n} negative */
    Rational pow(int n) {
        Rational p = new Rational(numerator.pow(Math.abs(n)), denominator.pow(Math.abs(n)));
        return n >= 0 ? p : ONE.divide(p);
    }

    boolean isInteger() {
        return denominator.equals(BigInteger.ONE);
    }

    /** The larger bit length of numerator and denominator: how big the number is to compute with. */
    int bits() {
        return Math.max(numerator.bitLength(), denominator.bitLength());
    }

    /** Whether its decimal ends: the denominator has no prime factor but 2 and 5. */
    boolean hasFiniteDecimal() {
        BigInteger d = denominator.shiftRight(denominator.getLowestSetBit());
        BigInteger five = BigInteger.valueOf(5);
        while (d.mod(five).signum() == 0) {
            d = d.divide(five);
        }
        return d.equals(BigInteger.ONE);
    }

    /** The exact decimal when it ends, otherwise rounded to {@value #ROUNDED_DIGITS} significant digits. */
    String decimal() {
        BigDecimal n = new BigDecimal(numerator);
        BigDecimal d = new BigDecimal(denominator);
        BigDecimal value = hasFiniteDecimal() ? n.divide(d) : n.divide(d, new MathContext(ROUNDED_DIGITS, RoundingMode.HALF_EVEN));
        value = value.stripTrailingZeros();
        return value.scale() < 0 ? value.setScale(0).toPlainString() : value.toPlainString();
    }

    /** {@code 3/10}, or {@code 7} for an integer. */
    String fraction() {
        return isInteger() ? numerator.toString() : numerator + "/" + denominator;
    }
}
