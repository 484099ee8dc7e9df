package dev.casebook.tools.builtin;

import java.util.Locale;
import java.util.function.DoubleUnaryOperator;

/** A recursive-descent evaluator of one arithmetic expression (see {@link CalculatorTool}). */
final class ArithmeticExpression {
    static final class SyntaxException extends RuntimeException {
        SyntaxException(String message) {
            super(message);
        }
    }

    private final String text;
    private int position;

    ArithmeticExpression(String text) {
        this.text = text;
    }

    double evaluate() {
        double value = sum();
        skipSpaces();
        if (position < text.length()) {
            throw new SyntaxException("unexpected '" + text.charAt(position) + "' at position " + (position + 1));
        }
        return value;
    }

    private double sum() {
        double value = product();
        while (true) {
            if (take('+')) {
                value += product();
            } else if (take('-')) {
                value -= product();
            } else {
                return value;
            }
        }
    }

    private double product() {
        double value = unary();
        while (true) {
            if (take('*')) {
                value *= unary();
            } else if (take('/')) {
                double divisor = unary();
                if (divisor == 0) {
                    throw new SyntaxException("division by zero");
                }
                value /= divisor;
            } else if (take('%')) {
                double divisor = unary();
                if (divisor == 0) {
                    throw new SyntaxException("modulo by zero");
                }
                value %= divisor;
            } else {
                return value;
            }
        }
    }

    private double unary() {
        if (take('-')) {
            return -unary();
        }
        if (take('+')) {
            return unary();
        }
        return power();
    }

    private double power() {
        double base = atom();
        if (take('^')) {
            return Math.pow(base, unary());
        }
        return base;
    }

    private double atom() {
        skipSpaces();
        if (take('(')) {
            double value = sum();
            expect(')');
            return value;
        }
        if (position < text.length() && (Character.isDigit(text.charAt(position)) || text.charAt(position) == '.')) {
            return number();
        }
        if (position < text.length() && Character.isLetter(text.charAt(position))) {
            return nameOrCall();
        }
        throw new SyntaxException(position < text.length()
                ? "unexpected '" + text.charAt(position) + "' at position " + (position + 1)
                : "the expression ends too early");
    }

    private double number() {
        int start = position;
        while (position < text.length()
                && (Character.isDigit(text.charAt(position)) || text.charAt(position) == '.' || text.charAt(position) == '_')) {
            position++;
        }
        if (position < text.length() && (text.charAt(position) == 'e' || text.charAt(position) == 'E')
                && position + 1 < text.length()
                && (Character.isDigit(text.charAt(position + 1)) || text.charAt(position + 1) == '-' || text.charAt(position + 1) == '+')) {
            position += 2;
            while (position < text.length() && Character.isDigit(text.charAt(position))) {
                position++;
            }
        }
        String literal = text.substring(start, position).replace("_", "");
        try {
            return Double.parseDouble(literal);
        } catch (NumberFormatException e) {
            throw new SyntaxException("'" + literal + "' is not a number");
        }
    }

    private double nameOrCall() {
        int start = position;
        while (position < text.length() && Character.isLetterOrDigit(text.charAt(position))) {
            position++;
        }
        String name = text.substring(start, position).toLowerCase(Locale.ROOT);
        switch (name) {
            case "pi" -> {
                return Math.PI;
            }
            case "e" -> {
                return Math.E;
            }
            default -> {
                DoubleUnaryOperator function = function(name);
                expect('(');
                double argument = sum();
                expect(')');
                return function.applyAsDouble(argument);
            }
        }
    }

    private static DoubleUnaryOperator function(String name) {
        return switch (name) {
            case "sqrt" -> Math::sqrt;
            case "abs" -> Math::abs;
            case "ln", "log" -> Math::log;
            case "log10" -> Math::log10;
            case "exp" -> Math::exp;
            case "sin" -> Math::sin;
            case "cos" -> Math::cos;
            case "tan" -> Math::tan;
            case "floor" -> Math::floor;
            case "ceil" -> Math::ceil;
            case "round" -> x -> (double) Math.round(x);
            default -> throw new SyntaxException("unknown function or constant '" + name + "'");
        };
    }

    private void expect(char expected) {
        if (!take(expected)) {
            throw new SyntaxException("expected '" + expected + "' at position " + (position + 1));
        }
    }

    private boolean take(char expected) {
        skipSpaces();
        if (position < text.length() && text.charAt(position) == expected) {
            position++;
            return true;
        }
        return false;
    }

    private void skipSpaces() {
        while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
            position++;
        }
    }
}
