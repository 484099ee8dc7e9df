package dev.casebook.memory.lucene;

import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene104.Lucene104HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.util.quantization.QuantizedByteVectorValues.ScalarEncoding;

/**
 * How a {@link LuceneCaseStore} indexes its vectors for the HNSW search. {@code FLOAT32} (the default) searches the
 * full vectors; the others search a quantized copy (Lucene's optimized scalar quantization: 7 bits, 4 bits, or 1 bit
 * per dimension with 4-bit queries), which takes a fraction of the memory and is faster to compare. Either way the
 * store re-scores the candidates of the graph search with the exact cosine of their full vectors, so the scores it
 * returns are exact and quantization only costs recall where a true neighbour misses the candidate list.
 */
public enum VectorFormat {
    FLOAT32(null),
    INT7(ScalarEncoding.SEVEN_BIT),
    INT4(ScalarEncoding.PACKED_NIBBLE),
    BINARY(ScalarEncoding.SINGLE_BIT_QUERY_NIBBLE);

    private static final int MAX_CONNECTIONS = 16;
    private static final int BEAM_WIDTH = 100;

    private final ScalarEncoding encoding;

    VectorFormat(ScalarEncoding encoding) {
        this.encoding = encoding;
    }

    /** The codec that writes new segments' vectors in this format; other fields as Lucene's default codec. */
    Codec codec() {
        if (encoding == null) {
            return Codec.getDefault();
        }
        KnnVectorsFormat format = new Lucene104HnswScalarQuantizedVectorsFormat(encoding, MAX_CONNECTIONS, BEAM_WIDTH);
        return new Lucene104Codec() {
            @Override
            public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                return format;
            }
        };
    }
}
