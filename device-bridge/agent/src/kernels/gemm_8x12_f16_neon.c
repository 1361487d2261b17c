/* fp16-arithmetic GEMM micro-kernel and GEMV, NEON FMLA .8h (ARMv8.2-A FEAT_FP16).
 * The aarch64 build compiles this file alone with -march=armv8.2-a+fp16; everything else stays
 * armv8-a, and the runtime calls in here only when ew_cpu_features() reports fphp + asimdhp.
 * Tile: one float16x8_t holds the 8 rows of A for one k; accumulator j is column j of the
 * 8 x 12 tile. Partial sums live in fp16 for EW_F16_CHUNK steps, then join fp32 sums. */
#include <string.h>
#include "f16.h"

#if defined(__aarch64__) && defined(__ARM_FEATURE_FP16_VECTOR_ARITHMETIC)
#include <arm_neon.h>

#define FLUSH(j)                                                            \
  acc[j][0] = vaddq_f32(acc[j][0], vcvt_f32_f16(vget_low_f16(h##j)));      \
  acc[j][1] = vaddq_f32(acc[j][1], vcvt_high_f32_f16(h##j))

static void hgemm_tile(size_t kc, const ew_f16 *a, const ew_f16 *b, float32x4_t acc[12][2]) {
  for (size_t k0 = 0; k0 < kc; k0 += EW_F16_CHUNK) {
    size_t kn = kc - k0 < EW_F16_CHUNK ? kc - k0 : EW_F16_CHUNK;
    float16x8_t z = vdupq_n_f16(0), h0 = z, h1 = z, h2 = z, h3 = z, h4 = z, h5 = z, h6 = z,
                h7 = z, h8 = z, h9 = z, h10 = z, h11 = z;
    for (size_t k = 0; k < kn; k++) {
      float16x8_t av = vld1q_f16((const float16_t *)(const void *)a);
      float16x8_t b0 = vld1q_f16((const float16_t *)(const void *)b);
      float16x4_t b1 = vld1_f16((const float16_t *)(const void *)(b + 8));
      h0 = vfmaq_laneq_f16(h0, av, b0, 0);
      h1 = vfmaq_laneq_f16(h1, av, b0, 1);
      h2 = vfmaq_laneq_f16(h2, av, b0, 2);
      h3 = vfmaq_laneq_f16(h3, av, b0, 3);
      h4 = vfmaq_laneq_f16(h4, av, b0, 4);
      h5 = vfmaq_laneq_f16(h5, av, b0, 5);
      h6 = vfmaq_laneq_f16(h6, av, b0, 6);
      h7 = vfmaq_laneq_f16(h7, av, b0, 7);
      h8 = vfmaq_lane_f16(h8, av, b1, 0);
      h9 = vfmaq_lane_f16(h9, av, b1, 1);
      h10 = vfmaq_lane_f16(h10, av, b1, 2);
      h11 = vfmaq_lane_f16(h11, av, b1, 3);
      a += EW_GEMM_MR;
      b += EW_GEMM_NR;
    }
    FLUSH(0); FLUSH(1); FLUSH(2); FLUSH(3); FLUSH(4); FLUSH(5);
    FLUSH(6); FLUSH(7); FLUSH(8); FLUSH(9); FLUSH(10); FLUSH(11);
  }
}

static void hgemm_8x12(size_t kc, const ew_f16 *a, const ew_f16 *b, float *c, size_t ldc,
                       size_t mr, size_t nr, const ew_ukernel_args *p) {
  float32x4_t acc[12][2];
  for (int j = 0; j < 12; j++) acc[j][0] = acc[j][1] = vdupq_n_f32(0.0f);
  hgemm_tile(kc, a, b, acc);
  float t[12][8]; /* column j, row r */
  for (int j = 0; j < 12; j++) {
    vst1q_f32(t[j], acc[j][0]);
    vst1q_f32(t[j] + 4, acc[j][1]);
  }
  for (size_t r = 0; r < mr; r++)
    for (size_t j = 0; j < nr; j++) {
      float init = p->first ? (p->bias ? p->bias[r] : 0.0f) : c[r * ldc + j];
      float v = init + t[j][r];
      if (p->last && p->clamp) v = v < p->lo ? p->lo : (v > p->hi ? p->hi : v);
      c[r * ldc + j] = v;
    }
}

static void hgemv_8(size_t p0, size_t p1, size_t R, size_t K, const ew_f16 *a,
                    const ew_f16 *x, const float *bias, float *y) {
  for (size_t p = p0; p < p1; p++) {
    const float16_t *ap = (const float16_t *)(const void *)(a + p * K * EW_GEMM_MR);
    const float16_t *xp = (const float16_t *)(const void *)x;
    float32x4_t lo = vdupq_n_f32(0.0f), hi = lo;
    for (size_t k0 = 0; k0 < K; k0 += EW_F16_CHUNK) {
      size_t kn = K - k0 < EW_F16_CHUNK ? K - k0 : EW_F16_CHUNK;
      float16x8_t h = vdupq_n_f16(0);
      for (size_t k = k0; k < k0 + kn; k++)
        h = vfmaq_f16(h, vld1q_f16(ap + k * EW_GEMM_MR), vld1q_dup_f16(xp + k));
      lo = vaddq_f32(lo, vcvt_f32_f16(vget_low_f16(h)));
      hi = vaddq_f32(hi, vcvt_high_f32_f16(h));
    }
    float out[8];
    vst1q_f32(out, lo);
    vst1q_f32(out + 4, hi);
    for (size_t r = 0; r < 8 && p * 8 + r < R; r++)
      y[p * 8 + r] = out[r] + (bias ? bias[p * 8 + r] : 0.0f);
  }
}

static const ew_hgemm_ops neon_ops = {"hgemm_8x12_f16_neon", hgemm_8x12, hgemv_8};
const ew_hgemm_ops *ew_hgemm_ops_neon(void) { return &neon_ops; }
#else
/* Host (x86_64 through SIMDe) and builds without FEAT_FP16: no FMLA .8h; the runtime falls back
 * to fp32 arithmetic, and tests reach the algorithm through the scalar twin. */
const ew_hgemm_ops *ew_hgemm_ops_neon(void) { return NULL; }
#endif
