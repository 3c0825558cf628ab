package io.herald.verticles.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium, driven through Debian's chromedriver: one per test class, its windows
 * reused by the tests. Nothing is downloaded: both binaries are named explicitly, so Selenium Manager
 * (which would look for a driver or a browser to fetch) is never asked; a machine without them fails
 * with a message naming the packages, which {@code .ci/run} installs.
 *
 * <p>The pages under test expose {@code window.herald} (the herald.js client), and the demo page
 * {@code window.heraldEvents}, {@code window.heraldStates} and {@code window.heraldErrors}: the helpers read those.
 */
public final class Browser implements AutoCloseable {

  public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  /** Generous for a loaded two-core machine; what a test waits for usually takes well under a second. */
  public static final Duration WAIT = Duration.ofSeconds(30);
  private static final long POLL_MS = 100;
  /**
   * Selenium warns at every start that it has no DevTools (CDP) bindings for this Chromium: these
   * tests use none. Kept in fields, since java.util.logging holds its loggers weakly.
   */
  private static final List<Logger> QUIET = Stream.of("org.openqa.selenium.devtools", "org.openqa.selenium.chromium")
      .map(Logger::getLogger).peek(logger -> logger.setLevel(Level.SEVERE)).toList();

  private final ChromeDriverService service;
  private final ChromeDriver driver;
  private final Path profile;

  private Browser(ChromeDriverService service, ChromeDriver driver, Path profile) {
    this.service = service;
    this.driver = driver;
    this.profile = profile;
  }

  /** Starts Chromium with a fresh profile and a window of {@code width} × {@code height}. */
  public static Browser start(int width, int height) {
    for (Path binary : List.of(CHROMIUM, CHROMEDRIVER)) {
      if (!Files.isExecutable(binary)) {
        throw new AssertionError(binary + " is missing: the browser tests drive Debian's chromium with its chromium-driver."
            + " .ci/run installs both (apt-get install chromium chromium-driver); no test downloads a browser.");
      }
    }
    Path profile;
    try {
      profile = Files.createTempDirectory("herald-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile()).addArguments(
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync",
        "--disable-extensions", "--disable-default-apps", "--mute-audio", "--hide-scrollbars",
        // Several windows run at once and none has the focus: their timers must not be slowed down.
        "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
        "--disable-backgrounding-occluded-windows",
        "--window-size=" + width + "," + height, "--user-data-dir=" + profile);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort()
        .build();
    try {
      ChromeDriver driver = new ChromeDriver(service, options);
      driver.manage().timeouts().scriptTimeout(WAIT).pageLoadTimeout(WAIT);
      return new Browser(service, driver, profile);
    } catch (RuntimeException e) {
      service.stop();
      delete(profile);
      throw e;
    }
  }

  /** Loads {@code url} in the current window. */
  public void open(String url) {
    driver.get(url);
  }

  /** Goes back in the current window's history, as the browser's back button does. */
  public void back() {
    driver.navigate().back();
  }

  /** Opens a new window and loads {@code url} there; returns its handle for {@link #window}. */
  public String openWindow(String url) {
    driver.switchTo().newWindow(WindowType.WINDOW);
    driver.get(url);
    return driver.getWindowHandle();
  }

  /** Makes the window with this handle the current one. */
  public void window(String handle) {
    driver.switchTo().window(handle);
  }

  /** Closes every window but the current one, and empties that one: what a test left open disconnects. */
  public void reset() {
    String current = driver.getWindowHandle();
    for (String handle : driver.getWindowHandles()) {
      if (!handle.equals(current)) {
        driver.switchTo().window(handle).close();
      }
    }
    driver.switchTo().window(current);
    driver.get("about:blank");
  }

  /** The first element of the current page that {@code css} selects, to type into or click. */
  public WebElement element(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  /** Runs {@code body} as a function body in the current page ({@code return} gives a value); {@code arguments} are the args. */
  @SuppressWarnings("unchecked")
  public <T> T script(String body, Object... args) {
    return (T) driver.executeScript(body, args);
  }

  /**
   * Runs {@code body} as an asynchronous function body: it ends by calling {@code done(value)}, the
   * value this returns. The page's own async calls ({@code herald.publish}) are made this way.
   */
  @SuppressWarnings("unchecked")
  public <T> T asyncScript(String body, Object... args) {
    return (T) driver.executeAsyncScript("const done = arguments[arguments.length - 1];\n" + body, args);
  }

  /**
   * Polls {@code expression} (a JavaScript expression over the page) until it is truthy, within
   * {@code bound}, and returns its value; a failure names what was awaited and what the page showed.
   */
  @SuppressWarnings("unchecked")
  public <T> T await(String what, Duration bound, String expression, Object... args) {
    long deadline = System.nanoTime() + bound.toNanos();
    Object last = null;
    RuntimeException error = null;
    while (true) {
      try {
        last = driver.executeScript("return (" + expression + ");", args);
        error = null;
        if (truthy(last)) {
          return (T) last;
        }
      } catch (JavascriptException e) {
        // The page may not have defined what the expression reads yet (the module still loading).
        error = e;
      }
      if (System.nanoTime() > deadline) {
        AssertionError failure = new AssertionError("no " + what + " within " + bound.toSeconds() + " s: (" + expression
            + ") was " + last + "; the page: " + describe());
        if (error != null) {
          failure.addSuppressed(error);
        }
        throw failure;
      }
      sleep(POLL_MS);
    }
  }

  /** {@link #await} with the {@link #WAIT} bound. */
  public <T> T await(String what, String expression, Object... args) {
    return await(what, WAIT, expression, args);
  }

  /** Waits until the page's client is connected and usable; returns {@code herald.connection}. */
  public Map<String, Object> awaitConnected() {
    return await("connection", "window.herald && herald.state === 'connected' && herald.link && herald.connection");
  }

  /** The transport the page's client is connected with. */
  public String transport() {
    return script("return window.herald && herald.connection && herald.connection.transport;");
  }

  /** The page's client state, connection and number of events, for failure messages. */
  public String describe() {
    try {
      return String.valueOf(driver.executeScript("return JSON.stringify({url: location.href, state: window.herald && herald.state,"
          + " connection: window.herald && herald.connection, states: window.heraldStates, errors: window.heraldErrors,"
          + " events: window.heraldEvents && heraldEvents.length});"));
    } catch (RuntimeException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }

  /** A PNG of the current window, written to {@code file} (replacing it). */
  public void screenshot(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      service.stop();
      delete(profile);
    }
  }

  private static boolean truthy(Object value) {
    return value != null && !Boolean.FALSE.equals(value) && !"".equals(value)
        && !(value instanceof Number n && n.doubleValue() == 0);
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // a temporary profile left behind harms nothing
    }
  }
}
