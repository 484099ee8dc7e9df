package dev.casebook.server.memory;

import dev.casebook.memory.Case;
import dev.casebook.memory.MemoryWriter;
import java.time.Clock;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
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

    private final JdbcTemplate jdbc;
    private final Clock clock;

    CaseBanks(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        this.clock = Clock.systemUTC();
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
        List<Boolean> flags = jdbc.queryForList("select read_only from case_banks where tenant = ? and name = ?",
                Boolean.class, tenant, bank);
        return !flags.isEmpty() && flags.getFirst();
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
        return new Bank(bank, readOnly);
    }
}
