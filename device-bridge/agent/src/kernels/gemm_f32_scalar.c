/* Scalar twins of gemm_8x12_f32_neon.c: same packed layouts, same tile, plain C. They are the
 * reference the NEON kernels are tested against and a fallback for debugging. */
#include <string.h>
#include "kernels.h"

void ew_gemm_8x12_f32_scalar(size_t kc, const float *a, const float *b, float *c, size_t ldc,
                             size_t mr, size_t nr, const ew_ukernel_args *p) {
  float acc[EW_GEMM_MR][EW_GEMM_NR];
  for (size_t r = 0; r < EW_GEMM_MR; r++)
    for (size_t j = 0; j < EW_GEMM_NR; j++) {
      float init = 0.0f;
      if (r < mr && j < nr) init = p->first ? (p->bias ? p->bias[r] : 0.0f) : c[r * ldc + j];
      acc[r][j] = init;
    }
  for (size_t k = 0; k < kc; k++, a += EW_GEMM_MR, b += EW_GEMM_NR)
    for (size_t r = 0; r < EW_GEMM_MR; r++)
      for (size_t j = 0; j < EW_GEMM_NR; j++) acc[r][j] += a[r] * b[j];
  for (size_t r = 0; r < mr; r++)
    for (size_t j = 0; j < nr; j++) {
      float v = acc[r][j];
      if (p->last && p->clamp) v = v < p->lo ? p->lo : (v > p->hi ? p->hi : v);
      c[r * ldc + j] = v;
    }
}

void ew_gemv_8_f32_scalar(size_t p0, size_t p1, size_t R, size_t K, const float *a,
                          const float *x, const float *bias, float *y) {
  for (size_t p = p0; p < p1; p++) {
    float acc[8] = {0};
    const float *ap = a + p * K * 8;
    for (size_t k = 0; k < K; k++)
      for (size_t r = 0; r < 8; r++) acc[r] += ap[k * 8 + r] * x[k];
    for (size_t r = 0; r < 8 && p * 8 + r < R; r++)
      y[p * 8 + r] = acc[r] + (bias ? bias[p * 8 + r] : 0.0f);
  }
}

/* the scalar tile already handles any width; it is its own narrow variant */
const ew_gemm_ops ew_gemm_ops_scalar = {"gemm_8x12_f32_scalar", ew_gemm_8x12_f32_scalar,
                                        ew_gemm_8x12_f32_scalar, ew_gemv_8_f32_scalar};
