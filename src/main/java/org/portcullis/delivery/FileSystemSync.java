package org.portcullis.delivery;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Linux {@code syncfs(2)} through the foreign-function API: one system call makes everything
 * written to a file system durable. Delivery writes a batch of Maildir files without fsyncing each
 * one and then syncs the file system once, instead of two fsyncs per message.
 *
 * <p>Thread-safe. {@link #open} returns empty where syncfs is not available (not Linux, or the
 * native call cannot be bound); callers then fsync file by file.
 */
final class FileSystemSync implements AutoCloseable {

  private static final int O_RDONLY = 0;
  private static final int O_DIRECTORY = 0x10000;
  private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayoutPath.ERRNO);

  private final MethodHandle syncfs;
  private final MethodHandle close;
  private final int fd;
  private final Path path;

  private FileSystemSync(MethodHandle syncfs, MethodHandle close, int fd, Path path) {
    this.syncfs = syncfs;
    this.close = close;
    this.fd = fd;
    this.path = path;
  }

  /** Binds syncfs for the file system holding {@code directory} (which must exist). */
  static Optional<FileSystemSync> open(Path directory) {
    try {
      Linker linker = Linker.nativeLinker();
      SymbolLookup libc = linker.defaultLookup();
      Linker.Option errno = Linker.Option.captureCallState("errno");
      MethodHandle open = linker.downcallHandle(libc.find("open").orElseThrow(),
          FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
      MethodHandle syncfs = linker.downcallHandle(libc.find("syncfs").orElseThrow(),
          FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), errno);
      MethodHandle close = linker.downcallHandle(libc.find("close").orElseThrow(),
          FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
      int fd;
      try (Arena arena = Arena.ofConfined()) {
        fd = (int) open.invokeExact(arena.allocateFrom(directory.toAbsolutePath().toString()), O_RDONLY | O_DIRECTORY);
      }
      return fd < 0 ? Optional.empty() : Optional.of(new FileSystemSync(syncfs, close, fd, directory));
    } catch (Throwable unavailable) {
      return Optional.empty();
    }
  }

  /** Makes every write to the file system so far durable. */
  void sync() throws IOException {
    int rc;
    int error;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      rc = (int) syncfs.invokeExact(state, fd);
      error = (int) ERRNO.get(state, 0L);
    } catch (Throwable e) {
      throw new IOException("syncfs failed on " + path + ": " + e, e);
    }
    if (rc != 0) {
      throw new IOException("syncfs failed on " + path + ": errno " + error);
    }
  }

  @Override
  public void close() {
    try {
      int ignored = (int) close.invokeExact(fd);
    } catch (Throwable e) {
      // nothing more to do
    }
  }

  /** The layout path of errno in the captured call state. */
  private static final class MemoryLayoutPath {
    static final java.lang.foreign.MemoryLayout.PathElement ERRNO =
        java.lang.foreign.MemoryLayout.PathElement.groupElement("errno");
  }
}
