package dev.casebook.systemtest.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through its ChromeDriver, never a downloaded browser: both paths are set
 * explicitly so Selenium Manager has nothing to look up.
 *
 * <p>Collects the browser console's errors ({@link #consoleErrors()}, cumulative across pages) and saves
 * screenshots to {@code target/screenshots/}. Paths can be overridden with the {@code CASEBOOK_CHROMIUM} and
 * {@code CASEBOOK_CHROMEDRIVER} environment variables.
 */
public final class Browser implements AutoCloseable {
    public static final Path SCREENSHOTS = Path.of("target", "screenshots");
    public static final Dimension LAPTOP = new Dimension(1366, 900);
    public static final Dimension PHONE = new Dimension(390, 844);

    private final ChromeDriver driver;
    private final List<String> consoleErrors = new ArrayList<>();
    private Duration timeout = Duration.ofSeconds(20);

    private Browser(ChromeDriver driver) {
        this.driver = driver;
    }

    /** A new headless browser at laptop size. */
    public static Browser start() {
        String chromium = pathOf("CASEBOOK_CHROMIUM", "/usr/bin/chromium");
        String chromedriver = pathOf("CASEBOOK_CHROMEDRIVER", "/usr/bin/chromedriver");
        System.setProperty("webdriver.chrome.driver", chromedriver);
        System.setProperty("SE_AVOID_STATS", "true");

        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--disable-extensions", "--disable-sync", "--window-size=" + LAPTOP.width + "," + LAPTOP.height);
        LoggingPreferences logging = new LoggingPreferences();
        logging.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logging);

        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(chromedriver))
                .usingAnyFreePort()
                .build();
        Browser browser = new Browser(new ChromeDriver(service, options));
        browser.driver.manage().window().setSize(LAPTOP);
        return browser;
    }

    private static String pathOf(String variable, String fallback) {
        String value = System.getenv(variable);
        String path = value == null || value.isBlank() ? fallback : value;
        if (!Files.isExecutable(Path.of(path))) {
            throw new IllegalStateException(path + " is missing: the browser tests use Debian's chromium and "
                    + "chromium-driver (scripts/setup-chromium.sh installs them; ./casebook test runs it)");
        }
        return path;
    }

    public WebDriver driver() {
        return driver;
    }

    /** How long {@link #await} and the find helpers wait (default 20 s). */
    public Browser timeout(Duration value) {
        this.timeout = value;
        return this;
    }

    public Browser open(String url) {
        driver.get(url);
        return this;
    }

    public Browser size(Dimension size) {
        driver.manage().window().setSize(size);
        return this;
    }

    /** Waits until the condition returns something non-null and not false, then returns it. */
    public <T> T await(Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, timeout).until(condition);
    }

    /** Waits for a visible element matching the CSS selector. */
    public WebElement visible(String css) {
        return await(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }

    /** Waits until an element matching the CSS selector contains the text. */
    public WebElement withText(String css, String text) {
        await(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(css), text));
        return driver.findElement(By.cssSelector(css));
    }

    public List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    public Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /** Runs an asynchronous script: it calls {@code arguments[arguments.length - 1]} with its result. */
    public Object asyncScript(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeAsyncScript(js, args);
    }

    /** Reads a value the page keeps in localStorage. */
    public String localStorage(String key) {
        return (String) script("return window.localStorage.getItem(arguments[0]);", key);
    }

    /** Saves a PNG to {@code target/screenshots/NAME.png} and returns its path. */
    public Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path target = SCREENSHOTS.resolve(name + ".png").toAbsolutePath();
            File shot = driver.getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("could not save screenshot " + name, e);
        }
    }

    /**
     * The console's SEVERE entries so far (errors logged by scripts, uncaught exceptions, failed resource loads),
     * across every page opened. {@code ignoring} drops entries that contain any of the given fragments, for
     * errors a test provoked on purpose.
     */
    public List<String> consoleErrors(String... ignoring) {
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            if (entry.getLevel().intValue() >= Level.SEVERE.intValue()) {
                consoleErrors.add(entry.getMessage());
            }
        }
        return consoleErrors.stream()
                .filter(message -> java.util.Arrays.stream(ignoring).noneMatch(message::contains))
                .toList();
    }

    /**
     * Whether the page, or its {@code main} scroll container, is wider than the window (a horizontal scrollbar),
     * the usual phone-layout failure. Tables inside their own scrolling wrapper do not count.
     */
    public boolean overflowsHorizontally() {
        Object result = script("""
                const main = document.querySelector('main');
                return document.documentElement.scrollWidth > window.innerWidth + 1
                    || (main !== null && main.scrollWidth > main.clientWidth + 1);""");
        return Boolean.TRUE.equals(result);
    }

    /** The widths behind {@link #overflowsHorizontally()}, for failure messages. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> widths() {
        return (Map<String, Object>) script("""
                const main = document.querySelector('main');
                return {window: window.innerWidth, document: document.documentElement.scrollWidth,
                        main: main && main.scrollWidth, mainClient: main && main.clientWidth};""");
    }

    @Override
    public void close() {
        driver.quit();
    }
}
