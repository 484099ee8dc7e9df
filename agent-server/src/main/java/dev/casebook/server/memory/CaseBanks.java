package dev.casebook.server.memory;

import dev.casebook.memory.Case;
import dev.casebook.memory.MemoryWriter;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The named banks of each tenant's case memory and which of them are read-only ({@code case_banks}, V79). A bank
 * exists once it is named (by an import, an evaluation run, or {@link #setReadOnly}); the {@code default} bank always
 * exists. The registry lives in the server's database whichever store holds the cases.
 */
@Component
public class CaseBanks implements MemoryWriter.Banks {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,199}");

    /** How long {@link #acceptsWrites} answers from what this instance last knew of a bank. */
    public static final Duration SUBMIT_CACHE = Duration.ofSeconds(2);
    private static final int MAX_KNOWN = 10_000;

    private final JdbcTemplate jdbc;
    private final Clock clock;
    /** Flags of banks known to exist, by tenant and name, and when each was read or written here. */
    private final Map<String, Known> known = new ConcurrentHashMap<>();

    private record Known(boolean readOnly, Instant at) {
    }

    @Autowired
    CaseBanks(JdbcTemplate jdbc) {
        this(jdbc, Clock.systemUTC());
    }

    private CaseBanks(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** A registry on {@code jdbc} whose {@link #acceptsWrites} cache ages by {@code clock} (tests). */
    static CaseBanks withClock(JdbcTemplate jdbc, Clock clock) {
        return new CaseBanks(jdbc, clock);
    }

    /** A bank of a tenant and whether it is read-only. */
    public record Bank(String name, boolean readOnly) {
    }

    /** Checks a bank name: letters, digits, {@code . _ : -}, up to 200 characters, starting with a letter or digit. */
    public static String requireName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a bank name is 1 to 200 letters, digits, '.', '_', ':' or '-',"
                    + " starting with a letter or digit; was '" + name + "'");
        }
        return name;
    }

    @Override
    public boolean readOnly(String tenant, String bank) {
        List<Boolean> flags = flags(tenant, bank);
        return !flags.isEmpty() && flags.getFirst();
    }

    /** The bank's read-only flag as recorded: empty when the bank is not recorded. */
    private List<Boolean> flags(String tenant, String bank) {
        return jdbc.queryForList("select read_only from case_banks where tenant = ? and name = ?", Boolean.class,
                tenant, bank);
    }

    /**
     * Whether a read-write task submitted now may write its case to the bank, recording the bank (writable) when it
     * is new: the submit's early refusal. Answers from what this instance last read or wrote of the bank when that
     * is less than {@link #SUBMIT_CACHE} old, else asks the database. A change made on this instance
     * ({@link #setReadOnly}) is seen at once; one made on another replica within {@link #SUBMIT_CACHE}, and any made
     * while the task waits or runs, is caught where the case is written ({@link MemoryWriter#requireWritable} asks
     * {@link #readOnly}, which is never cached). Banks are never deleted, so a bank known here exists.
     */
    public boolean acceptsWrites(String tenant, String bank) {
        String key = key(tenant, bank);
        Instant now = clock.instant();
        Known k = known.get(key);
        if (k != null && now.isBefore(k.at().plus(SUBMIT_CACHE))) {
            return !k.readOnly();
        }
        List<Boolean> flags = flags(tenant, bank);
        if (flags.isEmpty()) {
            ensure(tenant, bank);
        }
        boolean readOnly = !flags.isEmpty() && flags.getFirst();
        remember(key, new Known(readOnly, now));
        return !readOnly;
    }

    /** Keeps what is newest: a flag read before this instance changed it does not replace the change. */
    private void remember(String key, Known value) {
        if (known.size() >= MAX_KNOWN) {
            known.clear();
        }
        known.merge(key, value, (old, read) -> old.at().isAfter(read.at()) ? old : read);
    }

    private static String key(String tenant, String bank) {
        return tenant + '\u0000' + bank;
    }

    /** The tenant's banks, by name; {@code default} is always among them. */
    public List<Bank> list(String tenant) {
        List<Bank> banks = new ArrayList<>(jdbc.query("select name, read_only from case_banks where tenant = ?"
                + " order by name", (rs, i) -> new Bank(rs.getString(1), rs.getBoolean(2)), tenant));
        if (banks.stream().noneMatch(b -> b.name().equals(Case.DEFAULT_BANK))) {
            banks.add(new Bank(Case.DEFAULT_BANK, false));
            banks.sort(Comparator.comparing(Bank::name));
        }
        return banks;
    }

    /** Records the bank (writable) unless it is known already. */
    public void ensure(String tenant, String bank) {
        requireName(bank);
        try {
            jdbc.update("insert into case_banks (tenant, name, read_only, created_at) select ?, ?, false, ?"
                            + " where not exists (select 1 from case_banks where tenant = ? and name = ?)",
                    tenant, bank, Timestamp.from(clock.instant()), tenant, bank);
        } catch (DuplicateKeyException concurrentlyAdded) {
            // another request named it at the same moment: it exists, as wanted
        }
    }

    /** Marks the bank read-only or writable, recording it if it was not known; returns it. */
    public Bank setReadOnly(String tenant, String bank, boolean readOnly) {
        ensure(tenant, bank);
        jdbc.update("update case_banks set read_only = ? where tenant = ? and name = ?", readOnly, tenant, bank);
        known.put(key(tenant, bank), new Known(readOnly, clock.instant()));
        return new Bank(bank, readOnly);
    }
}
