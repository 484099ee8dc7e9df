package dev.casebook.memory.lucene;

import java.time.Duration;
import java.util.Objects;

/**
 * When a {@link LuceneCaseStore} makes its writes durable. Every write is visible to every read when it returns
 * (through the writer's unrefreshed versions until a near-real-time refresh of the searcher, which follows each
 * scheduled commit); it is durable once a commit (an fsync of the new index files) has run,
 * which is at most {@code maxDelay} after it or when {@code maxWrites} writes are waiting, whichever comes first, and
 * at {@link LuceneCaseStore#close()}. A crash of the process or the machine loses the writes acknowledged since the
 * last commit and nothing else: the index reopens at that commit, whole.
 *
 * @param maxDelay  longest time an acknowledged write waits for its commit; zero commits every write before it
 *                  returns
 * @param maxWrites a write that finds this many writes waiting (itself included) commits at once
 */
public record CommitPolicy(Duration maxDelay, int maxWrites) {

    /** Every write committed before it returns: nothing acknowledged is ever lost, one fsync per write. */
    public static final CommitPolicy EVERY_WRITE = new CommitPolicy(Duration.ZERO, 1);

    /** The server's default: a commit at most every 500 ms or 256 writes. */
    public static final CommitPolicy DEFAULT = new CommitPolicy(Duration.ofMillis(500), 256);

    public CommitPolicy {
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (maxDelay.isNegative()) {
            throw new IllegalArgumentException("maxDelay must not be negative, was " + maxDelay);
        }
        if (maxWrites < 1) {
            throw new IllegalArgumentException("maxWrites must be positive, was " + maxWrites);
        }
    }

    /** True when each write commits before it returns. */
    public boolean everyWrite() {
        return maxDelay.isZero() || maxWrites == 1;
    }
}
