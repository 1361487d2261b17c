/* Add/Mul inner loops, NEON: both operands contiguous, or the second a broadcast scalar. */
#include "kernels.h"
#include "neon.h"

static void vv(int op, const float *a, const float *b, float *y, size_t n) {
  size_t i = 0;
  if (op == EW_BIN_ADD) {
    for (; i + 4 <= n; i += 4) vst1q_f32(y + i, vaddq_f32(vld1q_f32(a + i), vld1q_f32(b + i)));
    for (; i < n; i++) y[i] = a[i] + b[i];
  } else {
    for (; i + 4 <= n; i += 4) vst1q_f32(y + i, vmulq_f32(vld1q_f32(a + i), vld1q_f32(b + i)));
    for (; i < n; i++) y[i] = a[i] * b[i];
  }
}

static void vs(int op, const float *a, float b, float *y, size_t n) {
  size_t i = 0;
  float32x4_t bv = vdupq_n_f32(b);
  if (op == EW_BIN_ADD) {
    for (; i + 4 <= n; i += 4) vst1q_f32(y + i, vaddq_f32(vld1q_f32(a + i), bv));
    for (; i < n; i++) y[i] = a[i] + b;
  } else {
    for (; i + 4 <= n; i += 4) vst1q_f32(y + i, vmulq_f32(vld1q_f32(a + i), bv));
    for (; i < n; i++) y[i] = a[i] * b;
  }
}

const ew_binary_impl ew_binary_f32_neon = {"binary_f32_neon", vv, vs};
