package dev.casebook.server.batch;

import dev.casebook.server.web.ApiException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.springframework.http.HttpStatus;

/**
 * The most items one kind of batch run may have: per run (400 beyond it), and per tenant over the items its unfinished
 * runs may still run (429 beyond it: the tenant must wait for runs to finish or cancel one). Checked before anything
 * is created; creations of one kind are admitted one at a time on this instance, so two at once cannot both pass the
 * tenant's cap here (replicas each check on their own). Resuming a cancelled or failed run is admitted the same way
 * ({@link #readmit}).
 */
public final class ItemCap {
    private final String what;
    private final String runKey;
    private final long perRun;
    private final String tenantKey;
    private final long perTenant;
    private final ReentrantLock admitting = new ReentrantLock();

    /**
     * @param what      the items, as a detail names them ({@code "evaluation items"})
     * @param runKey    the configuration key of the per-run cap
     * @param tenantKey the configuration key of the per-tenant cap
     */
    public ItemCap(String what, String runKey, long perRun, String tenantKey, long perTenant) {
        if (perRun < 1 || perTenant < perRun) {
            throw new IllegalArgumentException(runKey + " must be at least 1 and " + tenantKey + " at least as large,"
                    + " were " + perRun + " and " + perTenant);
        }
        this.what = what;
        this.runKey = runKey;
        this.perRun = perRun;
        this.tenantKey = tenantKey;
        this.perTenant = perTenant;
    }

    /** Refuses a run of more than the per-run cap (400), before its items are even listed. */
    public void checkRun(long requested, String breakdown) {
        if (requested > perRun) {
            throw ApiException.badRequest("this asks for " + requested + " " + what + " (" + breakdown + "), more than "
                    + runKey + " (" + perRun + ")");
        }
    }

    /**
     * Creates the run when its {@code requested} items fit both caps.
     *
     * @param breakdown  how the number came about, for the detail ({@code "40 questions x 5 attempts x 2 epochs"})
     * @param unfinished the items the tenant's unfinished runs may still run, read under the admission lock
     * @param create     records the run; called under the lock
     */
    public <T> T admit(String tenant, long requested, String breakdown, LongSupplier unfinished, Supplier<T> create) {
        checkRun(requested, breakdown);
        admitting.lock();
        try {
            long open = unfinished.getAsLong();
            if (open + requested > perTenant) {
                throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, "tenant '" + tenant + "' has " + open + " " + what
                        + " not finished yet; this asks for " + requested + " more (" + breakdown + "), which would pass "
                        + tenantKey + " (" + perTenant + "): wait until runs finish, or cancel one");
            }
            return create.get();
        } finally {
            admitting.unlock();
        }
    }

    /**
     * Resumes a run at rest (cancelled or failed) when the items it has left fit the tenant's cap beside those of
     * the tenant's unfinished runs, as a new run's would: a cancelled run's items are not counted as unfinished, so
     * resuming it takes them back (429 beyond the cap).
     *
     * @param run        the run, as a detail names it ({@code "evaluation run 'a1b2…'"})
     * @param remaining  the items the run has not finished
     * @param unfinished the items the tenant's unfinished runs may still run, read under the admission lock
     * @param resume     sets the run going again (false when it was not at rest); called under the lock
     * @return what {@code resume} returned
     */
    public boolean readmit(String tenant, String run, long remaining, LongSupplier unfinished, BooleanSupplier resume) {
        admitting.lock();
        try {
            long open = unfinished.getAsLong();
            if (open + remaining > perTenant) {
                throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, "tenant '" + tenant + "' has " + open + " " + what
                        + " not finished yet; resuming " + run + " asks for its " + remaining + " unfinished " + what
                        + ", which would pass " + tenantKey + " (" + perTenant + "): wait until runs finish, or "
                        + "cancel one");
            }
            return resume.getAsBoolean();
        } finally {
            admitting.unlock();
        }
    }
}
