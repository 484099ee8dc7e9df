package dev.casebook.memory.embedding;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Vectors as the bytes a database column keeps: little-endian float32, four bytes per component. */
public final class VectorBytes {
    private VectorBytes() {
    }

    public static byte[] bytes(float[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        return buffer.array();
    }

    /** @throws IllegalArgumentException when the length is not a multiple of four */
    public static float[] floats(byte[] bytes) {
        if (bytes.length % Float.BYTES != 0) {
            throw new IllegalArgumentException("a vector of float32 has a multiple of 4 bytes, this one " + bytes.length);
        }
        float[] values = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }
}
