package dev.casebook.memory.embedding;

/** Arithmetic on embedding vectors. */
public final class Vectors {
    private Vectors() {
    }

    /** The cosine similarity of two vectors of the same dimension (0 when either is zero). */
    public static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }
}
