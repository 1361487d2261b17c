/* int8 GEMM 8x8 micro-kernel by widening multiply (any ARMv8: vmull_s8 / vmlal_s8 into int16,
 * vpadalq_s16 into int32), the NEON requantization epilogue, QUANTIZE and DEQUANTIZE.
 * The SDOT kernel is in qgemm_8x8_s8_sdot_neon.c (its own -march). */
#include <string.h>
#include "kernels_s8.h"
#include "neon.h"

#if defined(__aarch64__)
#define div4 vdivq_f32
#else
/* SIMDe 0.7.4 has no vdivq_f32: lane by lane, still IEEE division */
static inline float32x4_t div4(float32x4_t a, float32x4_t b) {
  float x[4], y[4];
  vst1q_f32(x, a);
  vst1q_f32(y, b);
  for (int i = 0; i < 4; i++) x[i] /= y[i];
  return vld1q_f32(x);
}
#endif

/* the 4 k-bytes of row r, twice: one int8x8 multiplies two B columns at once */
static inline int8x8_t row4(const int8_t *p) {
  int32_t v;
  memcpy(&v, p, 4);
  return vreinterpret_s8_s32(vdup_n_s32(v));
}

/* Rows [4h, 4h+4) of the tile. acc[r][p] lanes: column 2p (k0+k1, k2+k3), column 2p+1 (same);
 * one vpaddq per two column pairs gives the 4 column sums. */
static void half(size_t kq, const int8_t *a, const int8_t *b, int32_t *t, int ps, int h) {
  int32x4_t acc[4][4];
  for (int r = 0; r < 4; r++)
    for (int p = 0; p < 4; p++) acc[r][p] = vdupq_n_s32(0);
  size_t q = 0;
  /* two k blocks per int16 accumulation: |w| <= 127 keeps 2 * 127 * 128 inside int16 */
  for (; ps && q + 2 <= kq; q += 2) {
    const int8_t *a0 = a + q * 32 + 16 * h, *b0 = b + q * 32;
    int8x8_t x0[4], x1[4];
    for (int p = 0; p < 4; p++) {
      x0[p] = vld1_s8(b0 + 8 * p);
      x1[p] = vld1_s8(b0 + 32 + 8 * p);
    }
    for (int r = 0; r < 4; r++) {
      int8x8_t w0 = row4(a0 + 4 * r), w1 = row4(a0 + 32 + 4 * r);
      for (int p = 0; p < 4; p++)
        acc[r][p] = vpadalq_s16(acc[r][p], vmlal_s8(vmull_s8(w0, x0[p]), w1, x1[p]));
    }
  }
  for (; q < kq; q++) {
    const int8_t *a0 = a + q * 32 + 16 * h, *b0 = b + q * 32;
    int8x8_t x0[4];
    for (int p = 0; p < 4; p++) x0[p] = vld1_s8(b0 + 8 * p);
    for (int r = 0; r < 4; r++) {
      int8x8_t w0 = row4(a0 + 4 * r);
      for (int p = 0; p < 4; p++) acc[r][p] = vpadalq_s16(acc[r][p], vmull_s8(w0, x0[p]));
    }
  }
  for (int r = 0; r < 4; r++) {
    int32_t *row = t + (size_t)(4 * h + r) * EW_QGEMM_NR;
    vst1q_s32(row, vpaddq_s32(acc[r][0], acc[r][1]));
    vst1q_s32(row + 4, vpaddq_s32(acc[r][2], acc[r][3]));
  }
}

void ew_qgemm_8x8_s8_neon(size_t kq, const int8_t *a, const int8_t *b, int32_t *t, int ps) {
  half(kq, a, b, t, ps, 0);
  half(kq, a, b, t, ps, 1);
}

/* acc[p] lanes: row 2p (k0+k1, k2+k3), row 2p+1 (same) */
void ew_qgemv_8_s8_neon(size_t kq, const int8_t *a, const int8_t *b, int32_t *t, int ps) {
  int32x4_t acc[4];
  for (int p = 0; p < 4; p++) acc[p] = vdupq_n_s32(0);
  size_t q = 0;
  for (; ps && q + 2 <= kq; q += 2) {
    int8x8_t x0 = row4(b + q * 32), x1 = row4(b + q * 32 + 32);
    for (int p = 0; p < 4; p++)
      acc[p] = vpadalq_s16(acc[p], vmlal_s8(vmull_s8(vld1_s8(a + q * 32 + 8 * p), x0),
                                            vld1_s8(a + q * 32 + 32 + 8 * p), x1));
  }
  for (; q < kq; q++) {
    int8x8_t x0 = row4(b + q * 32);
    for (int p = 0; p < 4; p++) acc[p] = vpadalq_s16(acc[p], vmull_s8(vld1_s8(a + q * 32 + 8 * p), x0));
  }
  vst1q_s32(t, vpaddq_s32(acc[0], acc[1]));
  vst1q_s32(t + 4, vpaddq_s32(acc[2], acc[3]));
}

/* 4 consecutive columns of one row: the float part of ew_qreal, lane-wise */
static inline float32x4_t real4(int32x4_t acc, int32_t corr, float mult, float add,
                                float32x4_t lo, float32x4_t hi) {
  float32x4_t f = vcvtq_f32_s32(vaddq_s32(acc, vdupq_n_s32(corr)));
  f = vmulq_f32(f, vdupq_n_f32(mult));
  f = vaddq_f32(f, vdupq_n_f32(add));
  return vminnmq_f32(vmaxnmq_f32(f, lo), hi);
}

static inline void store4(float32x4_t f, int32_t zp, int type, void *y, size_t at) {
  if (type == EW_QT_F32) {
    vst1q_f32((float *)y + at, f);
    return;
  }
  int32x4_t v = vaddq_s32(vcvtq_s32_f32(vrndnq_f32(f)), vdupq_n_s32(zp));
  int16x8_t v16 = vcombine_s16(vqmovn_s32(v), vdup_n_s16(0));
  int8_t tmp[8];
  if (type == EW_QT_U8) vst1_u8((uint8_t *)tmp, vqmovun_s16(v16));
  else vst1_s8(tmp, vqmovn_s16(v16));
  memcpy((int8_t *)y + at, tmp, 4);
}

void ew_qepilogue_neon(const int32_t *t, size_t mr, size_t nr, const ew_qrows *q, size_t m0,
                       void *y, size_t rs, size_t cs) {
  if (cs != 1 || nr < 4) { /* strided (fully connected) or a narrow edge: lane by lane */
    ew_qepilogue_scalar(t, mr, nr, q, m0, y, rs, cs);
    return;
  }
  float32x4_t lo = vdupq_n_f32(q->lo), hi = vdupq_n_f32(q->hi);
  size_t c4 = nr & ~(size_t)3;
  for (size_t r = 0; r < mr; r++) {
    size_t m = m0 + r;
    for (size_t c = 0; c < c4; c += 4)
      store4(real4(vld1q_s32(t + r * EW_QGEMM_NR + c), q->corr[m], q->mult[m], q->add[m], lo, hi),
             q->zp, q->out_type, y, r * rs + c);
  }
  if (c4 < nr) {
    /* remaining columns of every row: the scalar formula is the same computation */
    int32_t rest[EW_QGEMM_MR * EW_QGEMM_NR];
    for (size_t r = 0; r < mr; r++)
      for (size_t c = c4; c < nr; c++) rest[r * EW_QGEMM_NR + c - c4] = t[r * EW_QGEMM_NR + c];
    size_t esize = q->out_type == EW_QT_F32 ? 4 : 1;
    ew_qepilogue_scalar(rest, mr, nr - c4, q, m0, (char *)y + c4 * esize, rs, 1);
  }
}

void ew_quantize_neon(const float *x, size_t n, float s, int32_t zp, int type, void *y) {
  float32x4_t lo = vdupq_n_f32((float)((type == EW_QT_U8 ? 0 : -128) - zp));
  float32x4_t hi = vdupq_n_f32((float)((type == EW_QT_U8 ? 255 : 127) - zp));
  float32x4_t sv = vdupq_n_f32(s);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    float32x4_t f = div4(vld1q_f32(x + i), sv);
    store4(vminnmq_f32(vmaxnmq_f32(f, lo), hi), zp, type, y, i);
  }
  if (i < n) ew_quantize_scalar(x + i, n - i, s, zp, type, (int8_t *)y + i);
}

void ew_dequantize_neon(const void *x, size_t n, float s, int32_t zp, int type, float *y) {
  float32x4_t sv = vdupq_n_f32(s);
  int32x4_t z = vdupq_n_s32(zp);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    int16x8_t v16 = type == EW_QT_U8
        ? vreinterpretq_s16_u16(vmovl_u8(vld1_u8((const uint8_t *)x + i)))
        : vmovl_s8(vld1_s8((const int8_t *)x + i));
    int32x4_t lo = vsubq_s32(vmovl_s16(vget_low_s16(v16)), z);
    int32x4_t hi = vsubq_s32(vmovl_s16(vget_high_s16(v16)), z);
    vst1q_f32(y + i, vmulq_f32(vcvtq_f32_s32(lo), sv));
    vst1q_f32(y + i + 4, vmulq_f32(vcvtq_f32_s32(hi), sv));
  }
  if (i < n) ew_dequantize_scalar((const int8_t *)x + i, n - i, s, zp, type, y + i);
}

const ew_qgemm_ops ew_qgemm_ops_neon = {"s8_neon_widening", ew_qgemm_8x8_s8_neon, ew_qgemv_8_s8_neon,
                                        ew_qepilogue_neon,
                                        ew_quantize_neon, ew_dequantize_neon};
