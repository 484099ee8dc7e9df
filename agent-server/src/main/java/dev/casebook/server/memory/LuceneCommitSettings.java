package dev.casebook.server.memory;

import dev.casebook.memory.lucene.CommitPolicy;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * When the Lucene case store makes its writes durable, bound from {@code casebook.memory.lucene.*}
 * ({@link CommitPolicy}): a write is visible to every task when it returns and durable after the next commit.
 *
 * @param commitInterval longest time an acknowledged write waits for its commit (default 500ms); {@code 0} commits
 *                       every write before it returns
 * @param commitWrites   a commit runs at once when this many writes are waiting (default 256)
 */
@ConfigurationProperties("casebook.memory.lucene")
record LuceneCommitSettings(Duration commitInterval, Integer commitWrites) {

    public LuceneCommitSettings {
        commitInterval = commitInterval == null ? CommitPolicy.DEFAULT.maxDelay() : commitInterval;
        commitWrites = commitWrites == null ? CommitPolicy.DEFAULT.maxWrites() : commitWrites;
        if (commitInterval.isNegative()) {
            throw new IllegalArgumentException(
                    "casebook.memory.lucene.commit-interval must not be negative, was " + commitInterval);
        }
        if (commitWrites < 1) {
            throw new IllegalArgumentException(
                    "casebook.memory.lucene.commit-writes must be positive, was " + commitWrites);
        }
    }

    CommitPolicy policy() {
        return new CommitPolicy(commitInterval, commitWrites);
    }
}
