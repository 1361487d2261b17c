package dev.edgewise.core.optimize;

/**
 * What a pass did to one weight layer. {@code nonZeros} counts weights left after pruning;
 * {@code denseBytes} stores every weight at the layer's value width; {@code csrBytes} stores the
 * non-zeros as CSR (values, column indices as narrow as the row length allows, int32 row pointers),
 * see {@link #csrBytes}. {@code storedBytes} is the smaller of the two plus quantization parameters.
 */
public record LayerStats(String layer, String op, String change, long params, long nonZeros, int valueBytes,
                         long denseBytes, long csrBytes, long quantParamBytes) {

    public double sparsity() {
        return params == 0 ? 0 : 1.0 - (double) nonZeros / params;
    }

    public long storedBytes() {
        return Math.min(denseBytes, csrBytes) + quantParamBytes;
    }

    /** Bytes of a rows x cols matrix with nnz non-zeros in CSR with the given value width. */
    public static long csrBytes(long nnz, long rows, long cols, int valueBytes) {
        int indexBytes = cols <= 256 ? 1 : cols <= 65536 ? 2 : 4;
        return nnz * (valueBytes + indexBytes) + (rows + 1) * 4;
    }

    public LayerStats withChange(String newChange, int newValueBytes, long newQuantParamBytes, long rows) {
        long cols = rows == 0 ? params : params / rows;
        return new LayerStats(layer, op, newChange, params, nonZeros, newValueBytes, params * newValueBytes,
            csrBytes(nonZeros, rows, cols, newValueBytes), newQuantParamBytes);
    }
}
