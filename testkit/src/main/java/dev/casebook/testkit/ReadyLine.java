package dev.casebook.testkit;

import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The line a Casebook server logs once it serves ({@code Casebook is ready: open http://HOST:PORT/}): a server started
 * on port 0 says there which port it got.
 */
public final class ReadyLine {
    private static final Pattern LINE = Pattern.compile("Casebook is ready: open https?://\\S+:(\\d+)/");

    private ReadyLine() {
    }

    /** The port the ready line in {@code log} names; empty while the server has not logged it. */
    public static OptionalInt port(CharSequence log) {
        Matcher ready = LINE.matcher(log);
        return ready.find() ? OptionalInt.of(Integer.parseInt(ready.group(1))) : OptionalInt.empty();
    }
}
