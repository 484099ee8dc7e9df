package dev.casebook.server.lifecycle;

import org.springframework.context.SmartLifecycle;

/**
 * The lifecycle shared by what holds claims (the task queue, the batch runners): it stops in
 * {@link ShutdownOrder#STOP_PHASE}, on a thread of its own so that the others stop at the same time, and is never
 * paused.
 */
public abstract class ClaimHolderLifecycle implements SmartLifecycle {
    private final String stopThreadName;

    /** @param stopThreadName the name of the thread that stops it */
    protected ClaimHolderLifecycle(String stopThreadName) {
        this.stopThreadName = stopThreadName;
    }

    /** Stops on a thread of its own, so that the other claim holders stop at the same time. */
    @Override
    public void stop(Runnable callback) {
        Thread.ofVirtual().name(stopThreadName).start(() -> {
            try {
                stop();
            } finally {
                callback.run();
            }
        });
    }

    /**
     * Not paused: stopping gives this instance's claims back and ends its threads for good, which a server does once,
     * when it shuts down (a paused context, as Spring's test context cache makes of an idle one, would come back
     * without its threads).
     */
    @Override
    public boolean isPauseable() {
        return false;
    }

    @Override
    public int getPhase() {
        return ShutdownOrder.STOP_PHASE;
    }
}
