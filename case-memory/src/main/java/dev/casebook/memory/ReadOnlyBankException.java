package dev.casebook.memory;

/** A write was refused because the case (or the bank it names) belongs to a read-only bank. Retrying cannot help. */
public final class ReadOnlyBankException extends RuntimeException {
    private final String bank;

    public ReadOnlyBankException(String tenant, String bank, String what) {
        super("bank '" + bank + "' of tenant '" + tenant + "' is read-only; " + what + " was refused");
        this.bank = bank;
    }

    public String bank() {
        return bank;
    }
}
