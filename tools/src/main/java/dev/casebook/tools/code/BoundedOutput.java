package dev.casebook.tools.code;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Drains a process stream to its end, keeping only the first {@code limit} bytes and counting the rest. */
final class BoundedOutput {
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final int limit;
    private long dropped;

    BoundedOutput(int limit) {
        this.limit = limit;
    }

    void drain(InputStream in) {
        byte[] chunk = new byte[8192];
        try (in) {
            int read;
            while ((read = in.read(chunk)) >= 0) {
                synchronized (this) {
                    int room = Math.max(0, limit - kept.size());
                    kept.write(chunk, 0, Math.min(room, read));
                    dropped += Math.max(0, read - room);
                }
            }
        } catch (IOException e) {
            // the stream closes when the process is killed; what was read so far is kept
        }
    }

    synchronized String text() {
        return kept.toString(StandardCharsets.UTF_8);
    }

    synchronized long dropped() {
        return dropped;
    }
}
