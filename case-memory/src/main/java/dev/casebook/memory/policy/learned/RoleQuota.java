package dev.casebook.memory.policy.learned;

/**
 * How many of the K selected cases are pitfalls (negative cases) and how many examples (positive cases): the
 * floor of {@code k * pitfallShare} pitfalls, the rest examples. When one kind runs short the other fills its
 * slots, so K cases are returned whenever K candidates exist.
 */
public record RoleQuota(double pitfallShare) {
    public RoleQuota {
        if (!(pitfallShare >= 0 && pitfallShare <= 1)) {
            throw new IllegalArgumentException("pitfallShare must be within [0, 1], was " + pitfallShare);
        }
    }

    /** Half pitfalls, half examples (examples get the odd slot). */
    public static RoleQuota balanced() {
        return new RoleQuota(0.5);
    }

    public int pitfalls(int k) {
        return (int) Math.floor(k * pitfallShare);
    }

    public int examples(int k) {
        return k - pitfalls(k);
    }
}
