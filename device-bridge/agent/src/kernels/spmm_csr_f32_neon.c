/* Sparse (CSR) x dense, NEON. 1x1 conv: 16 pixels per step in 4 accumulators, one
 * vfmaq_laneq_f32 per non-zero and vector, the weights loaded 4 at a time; that is exactly the
 * arithmetic of the 8x12 SGEMM tile minus its multiplications by zero. FC (GEMV): 4-lane
 * gathers of x with two accumulators, summed across lanes at the end of the row. */
#include <string.h>
#include "sparse.h"
#include "neon.h"

#define TERM(L, acc, n)                                                                  \
  do {                                                                                   \
    const float *xp = x + (size_t)w->col[i + (L)] * hw + j;                              \
    for (int q = 0; q < (n); q++) acc[q] = vfmaq_laneq_f32(acc[q], vld1q_f32(xp + 4 * q), wv, L); \
  } while (0)

/* n vectors (4n pixels starting at j) of row m; the input rows are read in place */
#define ROW_BLOCK(n)                                                                     \
  do {                                                                                   \
    float32x4_t acc[n];                                                                  \
    for (int q = 0; q < (n); q++) acc[q] = vdupq_n_f32(bias ? bias[m] : 0.0f);            \
    size_t i = w->row_ptr[m], e = w->row_ptr[m + 1];                                     \
    for (; i + 4 <= e; i += 4) {                                                         \
      float32x4_t wv = vld1q_f32(w->val + i);                                            \
      TERM(0, acc, n); TERM(1, acc, n); TERM(2, acc, n); TERM(3, acc, n);                \
    }                                                                                    \
    if (i < e) {                                                                         \
      float t[4] = {0, 0, 0, 0};                                                         \
      memcpy(t, w->val + i, (e - i) * sizeof(float));                                   \
      float32x4_t wv = vld1q_f32(t);                                                     \
      TERM(0, acc, n);                                                                   \
      if (e - i > 1) TERM(1, acc, n);                                                    \
      if (e - i > 2) TERM(2, acc, n);                                                    \
    }                                                                                    \
    for (int q = 0; q < (n); q++) vst1q_f32(y + m * hw + j + 4 * q, acc[q]);             \
  } while (0)

/* fewer than 4 pixels left: gather them into a padded vector per term (same arithmetic) */
static void row_tail(const ew_csr *w, size_t m, const float *x, size_t hw, size_t j, size_t n,
                     const float *bias, float *y) {
  float32x4_t acc = vdupq_n_f32(bias ? bias[m] : 0.0f);
  for (size_t i = w->row_ptr[m]; i < w->row_ptr[m + 1]; i++) {
    float xs[4] = {0, 0, 0, 0}, wt[4] = {w->val[i], 0, 0, 0};
    memcpy(xs, x + (size_t)w->col[i] * hw + j, n * sizeof(float));
    acc = vfmaq_laneq_f32(acc, vld1q_f32(xs), vld1q_f32(wt), 0);
  }
  float out[4];
  vst1q_f32(out, acc);
  memcpy(y + m * hw + j, out, n * sizeof(float));
}

void ew_spmm_csr_f32_neon(const ew_csr *w, const float *x, size_t hw, size_t j0, size_t j1,
                          const float *bias, float *y) {
  size_t j = j0;
  for (; j + 16 <= j1; j += 16)
    for (size_t m = 0; m < w->rows; m++) ROW_BLOCK(4);
  for (; j + 4 <= j1; j += 4)
    for (size_t m = 0; m < w->rows; m++) ROW_BLOCK(1);
  if (j < j1)
    for (size_t m = 0; m < w->rows; m++) row_tail(w, m, x, hw, j, j1 - j, bias, y);
}

static inline float32x4_t gather4(const float *x, const uint32_t *c) {
  float g[4] = {x[c[0]], x[c[1]], x[c[2]], x[c[3]]};
  return vld1q_f32(g);
}

void ew_spmv_csr_f32_neon(const ew_csr *w, size_t r0, size_t r1, const float *x,
                          const float *bias, float *y) {
  for (size_t r = r0; r < r1; r++) {
    size_t i = w->row_ptr[r], e = w->row_ptr[r + 1];
    float32x4_t s0 = vdupq_n_f32(0.0f), s1 = s0;
    for (; i + 8 <= e; i += 8) {
      s0 = vfmaq_f32(s0, vld1q_f32(w->val + i), gather4(x, w->col + i));
      s1 = vfmaq_f32(s1, vld1q_f32(w->val + i + 4), gather4(x, w->col + i + 4));
    }
    if (i + 4 <= e) {
      s0 = vfmaq_f32(s0, vld1q_f32(w->val + i), gather4(x, w->col + i));
      i += 4;
    }
    float acc = vaddvq_f32(vaddq_f32(s0, s1));
    for (; i < e; i++) acc += w->val[i] * x[w->col[i]];
    y[r] = acc + (bias ? bias[r] : 0.0f);
  }
}

const ew_sparse_ops ew_sparse_ops_neon = {"spmm_csr_f32_neon", ew_spmm_csr_f32_neon,
                                          ew_spmv_csr_f32_neon};
