package dev.casebook.server.agent;

import dev.casebook.memory.Case;
import java.util.Objects;
import java.util.Set;

/**
 * The case banks a task uses: the one its episode is written to ({@code write}) and those its cases are selected
 * from ({@code read}; empty means every bank of the tenant, writable and read-only).
 */
public record MemoryBanks(String write, Set<String> read) {
    /** Write to {@code default}, read every bank. */
    public static final MemoryBanks DEFAULT = new MemoryBanks(Case.DEFAULT_BANK, Set.of());

    public MemoryBanks {
        write = write == null || write.isBlank() ? Case.DEFAULT_BANK : write;
        read = Set.copyOf(Objects.requireNonNullElse(read, Set.of()));
    }
}
