package dev.casebook.systemtest.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.ElementClickInterceptedException;
import org.openqa.selenium.ElementNotInteractableException;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through its ChromeDriver, never a downloaded browser: both paths are set
 * explicitly so Selenium Manager has nothing to look up.
 *
 * <p>Pages re-render whenever the server pushes news, so an element found now may be gone a moment later: the
 * helpers that act ({@link #click}, {@link #type}, {@link #replace}, {@link #text}, {@link #withText}) find the
 * element and use it in one step, and repeat the step (until {@link #timeout(Duration)}, 60 s by default) when the
 * page re-rendered in between ({@code StaleElementReferenceException}) or the element is not yet there, visible or
 * clickable. Tests act through them rather than holding on to a {@link WebElement}.
 *
 * <p>Collects the browser console's errors ({@link #consoleErrors()}, cumulative across pages) and saves
 * screenshots to {@code target/screenshots/}. Paths can be overridden with the {@code CASEBOOK_CHROMIUM} and
 * {@code CASEBOOK_CHROMEDRIVER} environment variables.
 */
public final class Browser implements AutoCloseable {
    public static final Path SCREENSHOTS = Path.of("target", "screenshots");
    public static final Dimension LAPTOP = new Dimension(1366, 900);
    public static final Dimension PHONE = new Dimension(390, 844);

    /** Generous: a loaded machine may take many seconds to render a page; a failing wait costs only this once. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final ChromeDriver driver;
    private final List<String> consoleErrors = new ArrayList<>();
    private Duration timeout = DEFAULT_TIMEOUT;

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

    /** How long {@link #await} and the find/act helpers wait (default {@link #DEFAULT_TIMEOUT}). */
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

    /**
     * Waits until the condition returns something non-null and not false, then returns it. A condition that throws
     * {@code StaleElementReferenceException} or {@code NoSuchElementException} (the page re-rendered under it) is
     * simply asked again.
     */
    public <T> T await(Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, timeout)
                .ignoring(StaleElementReferenceException.class)
                .ignoring(NoSuchElementException.class)
                .until(condition);
    }

    /**
     * Finds the element and does {@code action} with it in one step, repeated until it succeeds or the timeout
     * passes: the element may be missing, hidden, disabled, covered, or replaced by a re-render in between.
     * {@code action} returns null for "not yet" (the step is repeated), else its result, which this returns.
     */
    public <T> T act(By locator, Function<WebElement, T> action) {
        return new WebDriverWait(driver, timeout)
                .ignoring(StaleElementReferenceException.class)
                .ignoring(NoSuchElementException.class)
                .ignoring(ElementNotInteractableException.class)
                .ignoring(ElementClickInterceptedException.class)
                .withMessage(() -> "acting on " + locator)
                .until(d -> {
                    WebElement element = d.findElement(locator);
                    if (!element.isDisplayed()) {
                        return null;
                    }
                    return action.apply(element);
                });
    }

    /** Clicks the visible, enabled element matching the CSS selector (found and clicked in one retried step). */
    public Browser click(String css) {
        return click(By.cssSelector(css));
    }

    /** Clicks the visible, enabled element {@code locator} finds (found and clicked in one retried step). */
    public Browser click(By locator) {
        act(locator, element -> {
            if (!element.isEnabled()) {
                return null;
            }
            element.click();
            return Boolean.TRUE;
        });
        return this;
    }

    /** Clicks the button with exactly this text once it is there and enabled. */
    public Browser clickButton(String text) {
        return click(By.xpath("//button[normalize-space(text())='" + text + "']"));
    }

    /** Types keys into the visible element matching the CSS selector (found and typed into in one retried step). */
    public Browser type(String css, CharSequence... keys) {
        act(By.cssSelector(css), element -> {
            element.sendKeys(keys);
            return Boolean.TRUE;
        });
        return this;
    }

    /**
     * Chooses a file in the file input matching the CSS selector (which may be hidden behind a styled label), found
     * and filled in one retried step.
     */
    public Browser attach(String css, Path file) {
        await(d -> {
            d.findElement(By.cssSelector(css)).sendKeys(file.toAbsolutePath().toString());
            return Boolean.TRUE;
        });
        return this;
    }

    /** Replaces the value of the visible input matching the CSS selector with {@code text}, in one retried step. */
    public Browser replace(String css, String text) {
        act(By.cssSelector(css), element -> {
            element.clear();
            element.sendKeys(text);
            return text.equals(element.getDomProperty("value")) ? Boolean.TRUE : null;
        });
        return this;
    }

    /** Selects the option with this value in the visible {@code select} matching the CSS selector, in one retried step. */
    public Browser select(String css, String value) {
        act(By.cssSelector(css), element -> {
            new Select(element).selectByValue(value);
            return Boolean.TRUE;
        });
        return this;
    }

    /** The value of the option selected in the visible {@code select} matching the CSS selector. */
    public String selected(String css) {
        return act(By.cssSelector(css), element -> new Select(element).getFirstSelectedOption().getDomAttribute("value"));
    }

    /** The value of an attribute of the visible element matching the CSS selector, read in one retried step. */
    public String attribute(String css, String name) {
        return act(By.cssSelector(css), element -> Optional.ofNullable(element.getDomAttribute(name)))
                .orElse(null);
    }

    /** The texts of all elements matching the CSS selector, read in one retried step (empty when there are none). */
    public List<String> texts(String css) {
        return await(d -> d.findElements(By.cssSelector(css)).stream().map(WebElement::getText).toList());
    }

    /** The text of the visible element matching the CSS selector, read in one retried step. */
    public String text(String css) {
        return act(By.cssSelector(css), WebElement::getText);
    }

    /** Waits for a visible element matching the CSS selector. Prefer the helpers that act on it in the same step. */
    public WebElement visible(String css) {
        return await(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }

    /** Waits until an element matching the CSS selector contains the text; returns the element's whole text. */
    public String withText(String css, String text) {
        return await(d -> {
            String shown = d.findElement(By.cssSelector(css)).getText();
            return shown.contains(text) ? shown : null;
        });
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
                .filter(message -> Arrays.stream(ignoring).noneMatch(message::contains))
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
