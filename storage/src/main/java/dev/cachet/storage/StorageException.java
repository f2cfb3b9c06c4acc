package dev.cachet.storage;

import java.io.IOException;

/**
 * A storage failed: an I/O error, a corrupt entry, or a closed storage. The one exception type
 * storages throw besides plain {@link IOException}; the adapter treats both alike: it counts the
 * failure, reports it, and goes to the origin, so a broken cache never fails a request.
 */
public class StorageException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * A failure with a message.
   *
   * @param message what failed
   */
  public StorageException(String message) {
    super(message);
  }

  /**
   * A failure with a message and a cause.
   *
   * @param message what failed
   * @param cause the failure underneath
   */
  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
