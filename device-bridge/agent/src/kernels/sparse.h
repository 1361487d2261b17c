/* Sparse weights for pruned fully-connected and 1x1 convolution layers: compressed sparse rows
 * (one row per output channel, column = input channel), scalar granularity. Why not blocks:
 * magnitude pruning (profiler-core MagnitudePruning) zeroes single weights, and 4x1 / 1x4 blocks
 * over such a pattern fill in: at 70% zeros, 1 - 0.7^4 = 76% of 4x1 blocks still hold a
 * non-zero, so a block kernel would do 3x the useful work; plain CSR does exactly the non-zeros.
 * The 1x1 kernel vectorizes over pixels (NCHW rows are contiguous), the GEMV over non-zeros. */
#ifndef EW_SPARSE_H
#define EW_SPARSE_H
#include <stddef.h>
#include <stdint.h>
#include "kernels.h"

typedef struct ew_csr {
  size_t rows, cols, nnz;
  const uint32_t *row_ptr; /* rows + 1, row_ptr[0] = 0, row_ptr[rows] = nnz */
  const uint32_t *col;     /* nnz, strictly increasing within a row */
  const float *val;        /* nnz */
} ew_csr;

/* Checks a CSR index block (row_ptr then col_idx, as in LAYOUT_CSR): NULL when valid, else why. */
const char *ew_csr_check(size_t rows, size_t cols, const uint32_t *row_ptr, const uint32_t *col,
                         size_t nnz);
/* Counts the non-zeros of a dense rows x cols matrix (row-major). */
size_t ew_csr_count(size_t rows, size_t cols, const float *w);
/* Fills row_ptr (rows + 1), col and val (count entries) from a dense matrix. */
void ew_csr_from_dense(size_t rows, size_t cols, const float *w, uint32_t *row_ptr,
                       uint32_t *col, float *val);

/* y[m][j] = bias[m] + sum_c w[m][c] x[c][j] for every row m and j in [j0, j1); x and y have
 * row stride hw. The NEON version sums in the dense SGEMM's order (bias, then k ascending, one
 * vfmaq_laneq_f32 per term), so it equals CONV1X1_SGEMM bit for bit; the scalar twin equals the
 * scalar SGEMM. */
typedef void (*ew_spmm_fn)(const ew_csr *w, const float *x, size_t hw, size_t j0, size_t j1,
                           const float *bias, float *y);
/* y[r] = sum_k w[r][k] x[k] + bias[r] for rows [r0, r1). */
typedef void (*ew_spmv_fn)(const ew_csr *w, size_t r0, size_t r1, const float *x,
                           const float *bias, float *y);
typedef struct ew_sparse_ops {
  const char *name;
  ew_spmm_fn spmm;
  ew_spmv_fn spmv;
} ew_sparse_ops;
void ew_spmm_csr_f32_neon(const ew_csr *w, const float *x, size_t hw, size_t j0, size_t j1,
                          const float *bias, float *y);
void ew_spmm_csr_f32_scalar(const ew_csr *w, const float *x, size_t hw, size_t j0, size_t j1,
                            const float *bias, float *y);
void ew_spmv_csr_f32_neon(const ew_csr *w, size_t r0, size_t r1, const float *x,
                          const float *bias, float *y);
void ew_spmv_csr_f32_scalar(const ew_csr *w, size_t r0, size_t r1, const float *x,
                            const float *bias, float *y);
extern const ew_sparse_ops ew_sparse_ops_neon, ew_sparse_ops_scalar;

/* The layers, threaded over the pool: 1x1 conv over pixel blocks, FC over row blocks. */
void ew_conv1x1_csr_f32(const ew_sparse_ops *ops, const ew_csr *w, size_t batch, size_t hw,
                        const float *x, const float *bias, const ew_act *act, float *y,
                        struct ew_pool *pool);
void ew_fc_csr_f32(const ew_sparse_ops *ops, const ew_csr *w, size_t batch, const float *x,
                   const float *bias, const ew_act *act, float *y, struct ew_pool *pool);
#endif
