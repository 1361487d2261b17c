/* Scalar twins of spmm_csr_f32_neon.c. Each output is bias + the non-zero products in
 * ascending column order (GEMV: the products, then the bias), which is what the scalar dense
 * kernels compute once their multiplications by zero are dropped: the two agree bit for bit. */
#include "sparse.h"

void ew_spmm_csr_f32_scalar(const ew_csr *w, const float *x, size_t hw, size_t j0, size_t j1,
                            const float *bias, float *y) {
  for (size_t m = 0; m < w->rows; m++)
    for (size_t j = j0; j < j1; j++) {
      float acc = bias ? bias[m] : 0.0f;
      for (size_t i = w->row_ptr[m]; i < w->row_ptr[m + 1]; i++)
        acc += w->val[i] * x[(size_t)w->col[i] * hw + j];
      y[m * hw + j] = acc;
    }
}

void ew_spmv_csr_f32_scalar(const ew_csr *w, size_t r0, size_t r1, const float *x,
                            const float *bias, float *y) {
  for (size_t r = r0; r < r1; r++) {
    float acc = 0.0f;
    for (size_t i = w->row_ptr[r]; i < w->row_ptr[r + 1]; i++) acc += w->val[i] * x[w->col[i]];
    y[r] = acc + (bias ? bias[r] : 0.0f);
  }
}

const ew_sparse_ops ew_sparse_ops_scalar = {"spmm_csr_f32_scalar", ew_spmm_csr_f32_scalar,
                                            ew_spmv_csr_f32_scalar};
