/* SGEMM 8x12 micro-kernel and the matching 8-row GEMV, NEON.
 * 8x12 keeps 24 accumulators + 2 A + 3 B vectors in the 32 NEON registers, the largest tile
 * that does not spill; A holds 8 output rows (channels), B 12 columns (pixels). */
#include <math.h>
#include <string.h>
#include "kernels.h"
#include "neon.h"

#define ROW_FMA(r, av, lane)                                   \
  c##r##0 = vfmaq_laneq_f32(c##r##0, b0, av, lane);           \
  c##r##1 = vfmaq_laneq_f32(c##r##1, b1, av, lane);           \
  c##r##2 = vfmaq_laneq_f32(c##r##2, b2, av, lane)

#define ROW_INIT(r, v) float32x4_t c##r##0 = v, c##r##1 = v, c##r##2 = v
#define ROW_LOAD(r)                                            \
  c##r##0 = vld1q_f32(c + (r) * ldc);                         \
  c##r##1 = vld1q_f32(c + (r) * ldc + 4);                     \
  c##r##2 = vld1q_f32(c + (r) * ldc + 8)
#define ROW_CLAMP(r)                                           \
  c##r##0 = vminq_f32(vmaxq_f32(c##r##0, lo), hi);            \
  c##r##1 = vminq_f32(vmaxq_f32(c##r##1, lo), hi);            \
  c##r##2 = vminq_f32(vmaxq_f32(c##r##2, lo), hi)
#define ROW_STORE(r)                                           \
  vst1q_f32(c + (r) * ldc, c##r##0);                          \
  vst1q_f32(c + (r) * ldc + 4, c##r##1);                      \
  vst1q_f32(c + (r) * ldc + 8, c##r##2)

/* Full 8x12 tile, C with row stride ldc. */
static void tile_full(size_t kc, const float *a, const float *b, float *c, size_t ldc,
                      const float *bias, const ew_ukernel_args *p) {
  float32x4_t z = vdupq_n_f32(0.0f);
  ROW_INIT(0, z); ROW_INIT(1, z); ROW_INIT(2, z); ROW_INIT(3, z);
  ROW_INIT(4, z); ROW_INIT(5, z); ROW_INIT(6, z); ROW_INIT(7, z);
  if (!p->first) {
    ROW_LOAD(0); ROW_LOAD(1); ROW_LOAD(2); ROW_LOAD(3);
    ROW_LOAD(4); ROW_LOAD(5); ROW_LOAD(6); ROW_LOAD(7);
  } else if (bias) {
    c00 = c01 = c02 = vdupq_n_f32(bias[0]); c10 = c11 = c12 = vdupq_n_f32(bias[1]);
    c20 = c21 = c22 = vdupq_n_f32(bias[2]); c30 = c31 = c32 = vdupq_n_f32(bias[3]);
    c40 = c41 = c42 = vdupq_n_f32(bias[4]); c50 = c51 = c52 = vdupq_n_f32(bias[5]);
    c60 = c61 = c62 = vdupq_n_f32(bias[6]); c70 = c71 = c72 = vdupq_n_f32(bias[7]);
  }
  for (size_t k = 0; k < kc; k++) {
    float32x4_t a0 = vld1q_f32(a), a1 = vld1q_f32(a + 4);
    float32x4_t b0 = vld1q_f32(b), b1 = vld1q_f32(b + 4), b2 = vld1q_f32(b + 8);
    ROW_FMA(0, a0, 0); ROW_FMA(1, a0, 1); ROW_FMA(2, a0, 2); ROW_FMA(3, a0, 3);
    ROW_FMA(4, a1, 0); ROW_FMA(5, a1, 1); ROW_FMA(6, a1, 2); ROW_FMA(7, a1, 3);
    a += 8;
    b += 12;
  }
  if (p->last && p->clamp) {
    float32x4_t lo = vdupq_n_f32(p->lo), hi = vdupq_n_f32(p->hi);
    ROW_CLAMP(0); ROW_CLAMP(1); ROW_CLAMP(2); ROW_CLAMP(3);
    ROW_CLAMP(4); ROW_CLAMP(5); ROW_CLAMP(6); ROW_CLAMP(7);
  }
  ROW_STORE(0); ROW_STORE(1); ROW_STORE(2); ROW_STORE(3);
  ROW_STORE(4); ROW_STORE(5); ROW_STORE(6); ROW_STORE(7);
}

void ew_gemm_8x12_f32_neon(size_t kc, const float *a, const float *b, float *c, size_t ldc,
                           size_t mr, size_t nr, const ew_ukernel_args *p) {
  if (mr == EW_GEMM_MR && nr == EW_GEMM_NR) {
    tile_full(kc, a, b, c, ldc, p->bias, p);
    return;
  }
  /* Edge tile: run the full tile on a local copy so the hot loop never branches on size. */
  float tmp[EW_GEMM_MR * EW_GEMM_NR] = {0};
  float bias8[EW_GEMM_MR] = {0};
  if (p->first && p->bias) memcpy(bias8, p->bias, mr * sizeof(float));
  for (size_t r = 0; !p->first && r < mr; r++) memcpy(tmp + r * 12, c + r * ldc, nr * 4);
  tile_full(kc, a, b, tmp, EW_GEMM_NR, p->bias ? bias8 : NULL, p);
  for (size_t r = 0; r < mr; r++) memcpy(c + r * ldc, tmp + r * 12, nr * sizeof(float));
}

void ew_gemv_8_f32_neon(size_t p0, size_t p1, size_t R, size_t K, const float *a,
                        const float *x, const float *bias, float *y) {
  for (size_t p = p0; p < p1; p++) {
    const float *ap = a + p * K * 8;
    float32x4_t s0 = vdupq_n_f32(0.0f), s1 = s0, t0 = s0, t1 = s0;
    size_t k = 0;
    /* two independent accumulator pairs hide the FMA latency */
    for (; k + 2 <= K; k += 2) {
      s0 = vfmaq_n_f32(s0, vld1q_f32(ap), x[k]);
      s1 = vfmaq_n_f32(s1, vld1q_f32(ap + 4), x[k]);
      t0 = vfmaq_n_f32(t0, vld1q_f32(ap + 8), x[k + 1]);
      t1 = vfmaq_n_f32(t1, vld1q_f32(ap + 12), x[k + 1]);
      ap += 16;
    }
    if (k < K) {
      s0 = vfmaq_n_f32(s0, vld1q_f32(ap), x[k]);
      s1 = vfmaq_n_f32(s1, vld1q_f32(ap + 4), x[k]);
    }
    float out[8];
    vst1q_f32(out, vaddq_f32(s0, t0));
    vst1q_f32(out + 4, vaddq_f32(s1, t1));
    for (size_t r = 0; r < 8 && p * 8 + r < R; r++)
      y[p * 8 + r] = out[r] + (bias ? bias[p * 8 + r] : 0.0f);
  }
}

/* Narrow edge: at most 4 valid columns of the 12-wide B panel. The full tile would spend 2/3
 * of its FMAs on padding, which on small images (Winograd 7x7: 4 tiles) is most of the run. */
void ew_gemm_8x4_f32_neon(size_t kc, const float *a, const float *b, float *c, size_t ldc,
                          size_t mr, size_t nr, const ew_ukernel_args *p) {
  float32x4_t acc[8];
  float bias8[8] = {0};
  if (p->first && p->bias) memcpy(bias8, p->bias, mr * sizeof(float));
  for (size_t r = 0; r < 8; r++) {
    float row[4] = {0, 0, 0, 0};
    if (!p->first && r < mr) memcpy(row, c + r * ldc, nr * sizeof(float));
    acc[r] = p->first ? vdupq_n_f32(bias8[r]) : vld1q_f32(row);
  }
  for (size_t k = 0; k < kc; k++) {
    float32x4_t a0 = vld1q_f32(a), a1 = vld1q_f32(a + 4), b0 = vld1q_f32(b);
    acc[0] = vfmaq_laneq_f32(acc[0], b0, a0, 0);
    acc[1] = vfmaq_laneq_f32(acc[1], b0, a0, 1);
    acc[2] = vfmaq_laneq_f32(acc[2], b0, a0, 2);
    acc[3] = vfmaq_laneq_f32(acc[3], b0, a0, 3);
    acc[4] = vfmaq_laneq_f32(acc[4], b0, a1, 0);
    acc[5] = vfmaq_laneq_f32(acc[5], b0, a1, 1);
    acc[6] = vfmaq_laneq_f32(acc[6], b0, a1, 2);
    acc[7] = vfmaq_laneq_f32(acc[7], b0, a1, 3);
    a += 8;
    b += 12;
  }
  for (size_t r = 0; r < mr; r++) {
    float32x4_t v = acc[r];
    if (p->last && p->clamp) v = vminq_f32(vmaxq_f32(v, vdupq_n_f32(p->lo)), vdupq_n_f32(p->hi));
    float row[4];
    vst1q_f32(row, v);
    memcpy(c + r * ldc, row, nr * sizeof(float));
  }
}

const ew_gemm_ops ew_gemm_ops_neon = {"gemm_8x12_f32_neon", ew_gemm_8x12_f32_neon,
                                      ew_gemm_8x4_f32_neon, ew_gemv_8_f32_neon};
