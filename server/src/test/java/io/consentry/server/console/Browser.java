package io.consentry.server.console;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Headless Chromium driven by Selenium: Debian's {@code chromium} and {@code chromium-driver} packages (installed by
 * {@code .ci/run}); no browser or driver is downloaded. Without them the tests fail, unless
 * {@code -Dconsentry.requireBrowser=false} turns that into a skip (for a developer machine without Chromium).
 *
 * <p>Screenshots go to {@code target/console-screenshots/}; {@link #publish} copies chosen ones to {@code docs/img/}.
 */
final class Browser implements AutoCloseable {
    static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    static final Path DOWNLOADS = Path.of("target", "console-downloads").toAbsolutePath();
    private static final List<Path> BROWSERS = List.of(Path.of("/usr/bin/chromium"), Path.of("/usr/bin/chromium-browser"));
    private static final List<Path> DRIVERS = List.of(Path.of("/usr/bin/chromedriver"), Path.of("/usr/lib/chromium/chromedriver"));

    private static final int MAX_SHOT_HEIGHT = 2000;

    final ChromeDriver driver;
    private final String base;

    private Browser(ChromeDriver driver, String base) {
        this.driver = driver;
        this.base = base;
    }

    /** Opens a 1280×900 headless window; fails (or skips, see the class comment) when Chromium is missing. */
    static Browser open(String baseUrl) throws IOException {
        Path binary = BROWSERS.stream().filter(Files::isExecutable).findFirst().orElse(null);
        Path driverBinary = DRIVERS.stream().filter(Files::isExecutable).findFirst().orElse(null);
        String missing = binary == null ? "chromium" : driverBinary == null ? "chromium-driver (chromedriver)" : null;
        if (missing != null) {
            String why = "the console tests need Debian's " + missing + " package (apt-get install chromium chromium-driver; .ci/run does)";
            if (!Boolean.parseBoolean(System.getProperty("consentry.requireBrowser", "true"))) {
                Assumptions.abort(why);
            }
            throw new IllegalStateException(why);
        }
        Files.createDirectories(SCREENSHOTS);
        Files.createDirectories(DOWNLOADS);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(binary.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900",
                "--force-device-scale-factor=1", "--lang=en-GB", "--no-first-run", "--disable-extensions", "--disable-background-networking",
                "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream");
        options.setExperimentalOption("prefs", Map.of("download.default_directory", DOWNLOADS.toString(), "download.prompt_for_download", false));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driverBinary.toFile()).usingAnyFreePort().build();
        ChromeDriver d = new ChromeDriver(service, options);
        d.executeCdpCommand("Browser.setDownloadBehavior", Map.of("behavior", "allow", "downloadPath", DOWNLOADS.toString()));
        d.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        return new Browser(d, baseUrl);
    }

    void go(String path) {
        driver.get(base + path);
    }

    void size(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    WebElement $(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    WebElement waitFor(String css) {
        return new WebDriverWait(driver, Duration.ofSeconds(30)).ignoring(StaleElementReferenceException.class)
                .until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }

    <T> T until(Function<Browser, T> condition, String what) {
        return new WebDriverWait(driver, Duration.ofSeconds(30)).withMessage(what).ignoring(StaleElementReferenceException.class)
                .until(d -> condition.apply(this));
    }

    /** Waits until the element's text contains {@code text}; returns the text. */
    String waitText(String css, String text) {
        return until(b -> {
            List<WebElement> e = b.all(css);
            return !e.isEmpty() && e.get(0).getText().contains(text) ? e.get(0).getText() : null;
        }, "'" + text + "' in " + css);
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** Signs in through the form (typing the key) and waits for the console shell. */
    void signIn(String key) {
        if (!driver.getCurrentUrl().startsWith(base)) {
            go("/");
        }
        js("sessionStorage.clear()");
        go("/");
        WebElement input = waitFor("#login-key");
        input.clear();
        input.sendKeys(key);
        $("#login-submit").click();
        waitFor("#who .role");
    }

    void signOut() {
        if (!all("#logout").isEmpty() && $("#logout").isDisplayed()) {
            $("#logout").click();
            waitFor("#login-key");
        }
    }

    /** Opens a page of the console by its hash route and waits for it. */
    void page(String id) {
        js("location.hash = arguments[0]", "#/" + id);
        until(b -> id.equals(b.$("#main").getDomAttribute("data-page")), "page " + id);
    }

    /** Form controls without a label (label element, aria-label or aria-labelledby): should be none. */
    @SuppressWarnings("unchecked")
    List<String> unlabelledControls() {
        return (List<String>) js("""
                return [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
                  .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
                  .map(e => e.outerHTML.slice(0, 160));""");
    }

    /** Buttons and links with no accessible name, images without alt: should be none. */
    @SuppressWarnings("unchecked")
    List<String> unnamedActions() {
        return (List<String>) js("""
                const named = e => (e.textContent || '').trim() || e.getAttribute('aria-label') || e.getAttribute('title');
                return [...document.querySelectorAll('button, a[href]')].filter(e => !named(e))
                  .concat([...document.querySelectorAll('img:not([alt])')])
                  .concat([...document.querySelectorAll('[onclick], div[tabindex]:not(#main), span[tabindex]')])
                  .map(e => e.outerHTML.slice(0, 160));""");
    }

    /** Text that betrays a rendering bug ("null", "undefined", "NaN", "[object Object]"): should be none. */
    @SuppressWarnings("unchecked")
    List<String> strayText() {
        return (List<String>) js("""
                const out = [];
                const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
                while (w.nextNode()) {
                  if (/(^|\\W)(null|undefined|NaN|\\[object Object\\])(\\W|$)/.test(w.currentNode.nodeValue)) out.push(w.currentNode.nodeValue.slice(0, 120));
                }
                return out;""");
    }

    /**
     * Saves a screenshot of the page (from the top, at most {@value #MAX_SHOT_HEIGHT} px high) as
     * {@code target/console-screenshots/NAME.png}, and as
     * {@code docs/img/console-NAME.png} with {@code -Dconsentry.publishScreenshots=true}.
     */
    Path screenshot(String name) throws IOException {
        js("window.scrollTo(0, 0)");
        Number width = (Number) js("return window.innerWidth");
        Number height = (Number) js("return Math.min(document.documentElement.scrollHeight, arguments[0])", MAX_SHOT_HEIGHT);
        Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true,
                "clip", Map.of("x", 0, "y", 0, "width", width, "height", height, "scale", 1)));
        Path file = SCREENSHOTS.resolve(name + ".png");
        Files.write(file, Base64.getDecoder().decode((String) shot.get("data")));
        publish(file, name);
        return file;
    }

    /** Copies a screenshot to {@code docs/img/console-NAME.png} for docs/CONSOLE.md (only when asked to). */
    static void publish(Path shot, String name) throws IOException {
        if (!Boolean.getBoolean("consentry.publishScreenshots")) {
            return;
        }
        Path docs = Path.of("..", "docs", "img");
        if (Files.isDirectory(docs)) {
            Files.copy(shot, docs.resolve("console-" + name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
