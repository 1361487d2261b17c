/* Scalar twins of the int8 kernels: same packed operands, same formulas, bit-identical results
 * (integer accumulation is exact; the float epilogue is ew_qreal, shared with NEON). */
#include <math.h>
#include <string.h>
#include "kernels_s8.h"

void ew_qgemm_8x8_s8_scalar(size_t kq, const int8_t *a, const int8_t *b, int32_t *t, int ps) {
  (void)ps;
  int32_t acc[EW_QGEMM_MR * EW_QGEMM_NR] = {0};
  for (size_t q = 0; q < kq; q++, a += 32, b += 32)
    for (int r = 0; r < EW_QGEMM_MR; r++)
      for (int c = 0; c < EW_QGEMM_NR; c++)
        for (int j = 0; j < 4; j++) acc[r * EW_QGEMM_NR + c] += (int32_t)a[4 * r + j] * b[4 * c + j];
  memcpy(t, acc, sizeof(acc));
}

void ew_qgemv_8_s8_scalar(size_t kq, const int8_t *a, const int8_t *b, int32_t *t, int ps) {
  (void)ps;
  int32_t acc[EW_QGEMM_MR] = {0};
  for (size_t q = 0; q < kq; q++, a += 32, b += 32)
    for (int r = 0; r < EW_QGEMM_MR; r++)
      for (int j = 0; j < 4; j++) acc[r] += (int32_t)a[4 * r + j] * b[j];
  memcpy(t, acc, sizeof(acc));
}

static inline int32_t narrow(float f, int32_t zp, int type) {
  int32_t v = (int32_t)nearbyintf(f) + zp;
  if (type == EW_QT_U8) return v < 0 ? 0 : v > 255 ? 255 : v;
  return v < -128 ? -128 : v > 127 ? 127 : v;
}

void ew_qepilogue_scalar(const int32_t *t, size_t mr, size_t nr, const ew_qrows *q, size_t m0,
                         void *y, size_t rs, size_t cs) {
  for (size_t r = 0; r < mr; r++) {
    size_t m = m0 + r;
    for (size_t c = 0; c < nr; c++) {
      float f = ew_qreal(t[r * EW_QGEMM_NR + c], q->corr[m], q->mult[m], q->add[m], q->lo, q->hi);
      size_t at = r * rs + c * cs;
      if (q->out_type == EW_QT_F32) ((float *)y)[at] = f;
      else if (q->out_type == EW_QT_U8) ((uint8_t *)y)[at] = (uint8_t)narrow(f, q->zp, EW_QT_U8);
      else ((int8_t *)y)[at] = (int8_t)narrow(f, q->zp, EW_QT_S8);
    }
  }
}

/* ONNX QuantizeLinear: saturate(round_half_even(x / s) + zp). Divides (as the spec does) rather
 * than multiplying by 1/s, which would differ by one step at exact halves. */
void ew_quantize_scalar(const float *x, size_t n, float s, int32_t zp, int type, void *y) {
  float lo = (float)((type == EW_QT_U8 ? 0 : -128) - zp);
  float hi = (float)((type == EW_QT_U8 ? 255 : 127) - zp);
  for (size_t i = 0; i < n; i++) {
    float f = x[i] / s;
    f = fminf(fmaxf(f, lo), hi);
    int32_t v = narrow(f, zp, type);
    if (type == EW_QT_U8) ((uint8_t *)y)[i] = (uint8_t)v;
    else ((int8_t *)y)[i] = (int8_t)v;
  }
}

void ew_dequantize_scalar(const void *x, size_t n, float s, int32_t zp, int type, float *y) {
  for (size_t i = 0; i < n; i++) {
    int32_t v = type == EW_QT_U8 ? ((const uint8_t *)x)[i] : ((const int8_t *)x)[i];
    y[i] = (float)(v - zp) * s;
  }
}

const ew_qgemm_ops ew_qgemm_ops_scalar = {"s8_scalar", ew_qgemm_8x8_s8_scalar, ew_qgemv_8_s8_scalar,
                                          ew_qepilogue_scalar,
                                          ew_quantize_scalar, ew_dequantize_scalar};
