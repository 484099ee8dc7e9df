package dev.casebook.systemtest.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The lifecycle every browser test shares: one built server and one headless Chromium per test class, both closed
 * after the class, and no console error left behind by any test. Register it as a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final UiSession ui = UiSession.server("ui-chat");
 * }</pre>
 *
 * After each test the console errors it caused (and only those) must be none; a test that provokes one on purpose
 * names it with {@link #expectConsoleErrors(String...)}.
 *
 * <p>Classes that need nothing but the default configuration share one server ({@link #sharedServer()}): starting
 * a server is most of a browser test's time. Such a class must not assume the server is fresh (others may have
 * created tasks or cases on it before); each still gets its own browser.
 */
public final class UiSession implements BeforeAllCallback, AfterAllCallback, AfterEachCallback {
    /** The servers shared by classes of this JVM, by name; stopped when the JVM exits. */
    private static final Map<String, ServerProcess> SHARED = new ConcurrentHashMap<>();

    private final String name;
    private final Consumer<ServerProcess.Builder> configure;
    private final boolean shared;
    private ServerProcess server;
    private Browser browser;
    private final List<String> expected = new ArrayList<>();
    /** Console errors already checked by an earlier test (the browser's list only grows). */
    private int checked;

    private UiSession(String name, Consumer<ServerProcess.Builder> configure, boolean shared) {
        this.name = name;
        this.configure = configure;
        this.shared = shared;
    }

    /** A server of its own with the default (embedded) configuration. */
    public static UiSession server(String name) {
        return new UiSession(name, builder -> { }, false);
    }

    /** A server configured by {@code configure} when the class starts (so it may read other static fields then). */
    public static UiSession server(String name, Consumer<ServerProcess.Builder> configure) {
        return new UiSession(name, configure, false);
    }

    /**
     * The server with the default (embedded) configuration that every class asking for it shares: started by the
     * first, stopped when the test JVM exits.
     */
    public static UiSession sharedServer() {
        return new UiSession("ui-shared", builder -> { }, true);
    }

    public ServerProcess server() {
        return server;
    }

    public Browser browser() {
        return browser;
    }

    /** {@code server.baseUrl() + path}. */
    public String url(String path) {
        return server.baseUrl() + path;
    }

    /**
     * Console errors containing one of these fragments are provoked on purpose: they are not held against this test,
     * nor against later ones of the class (the browser may report a failed load after the test that caused it).
     */
    public void expectConsoleErrors(String... fragments) {
        expected.addAll(List.of(fragments));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (shared) {
            server = SHARED.computeIfAbsent(name, n -> ServerProcess.builder(n).start()); // killed at JVM exit
            assertThat(server.isAlive()).as("the shared server %s is running", name).isTrue();
        } else {
            ServerProcess.Builder builder = ServerProcess.builder(name);
            configure.accept(builder);
            server = builder.start();
        }
        browser = Browser.start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (browser == null) {
            return;
        }
        List<String> all = browser.consoleErrors();
        List<String> fresh = all.subList(checked, all.size()).stream()
                .filter(message -> expected.stream().noneMatch(message::contains))
                .toList();
        checked = all.size();
        assertThat(fresh).as("console errors in the browser during this test").isEmpty();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (server != null && !shared) {
                server.close();
            }
        }
    }
}
