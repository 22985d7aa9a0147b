package org.portcullis.app;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up as a list of named steps with a closing stack: each step that opens something pushes
 * how to close it, so a failure at any step closes everything started before it, in reverse order,
 * and shutdown does the same. Not thread-safe: one thread starts, one closes.
 */
final class StartupSteps implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger("portcullis");

  /** Opens one part. */
  interface Open<T> {
    T open() throws IOException;
  }

  /** Closes one part; may throw (logged, the next part is still closed). */
  interface Close<T> {
    void close(T part) throws Exception;
  }

  private record Opened(String name, Runnable close) {}

  private final Deque<Opened> stack = new ArrayDeque<>();

  /**
   * Runs one step and remembers how to undo it.
   *
   * @throws IOException naming the step when it fails (everything before it stays open for {@link #close})
   */
  <T> T step(String name, Open<T> open, Close<T> close) throws IOException {
    T part;
    try {
      part = open.open();
    } catch (IOException e) {
      throw new IOException("cannot start the " + name + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new IOException("cannot start the " + name + ": " + e.getMessage(), e);
    }
    onClose(name, () -> {
      try {
        close.close(part);
      } catch (Exception e) {
        log.warn("closing the {} failed: {}", name, e.toString());
      }
    });
    return part;
  }

  /** Something to do at close, after everything started later is closed (a flush before the store closes). */
  void onClose(String name, Runnable action) {
    stack.push(new Opened(name, action));
  }

  /** Closes everything opened so far, newest first; never throws. */
  @Override
  public void close() {
    while (!stack.isEmpty()) {
      Opened o = stack.pop();
      try {
        o.close().run();
      } catch (RuntimeException e) {
        log.warn("closing the {} failed: {}", o.name(), e.toString());
      }
    }
  }
}
