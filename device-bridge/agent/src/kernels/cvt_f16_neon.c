/* fp16 <-> fp32 with FCVTL / FCVTN: part of base ARMv8-A (no fp16 arithmetic needed), so the
 * widening of fp16-stored weights runs on every aarch64 CPU. */
#include "f16.h"
#include "neon.h"

void ew_f16_widen_f32_neon(const ew_f16 *h, float *f, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint16x8_t v = vld1q_u16(h + i);
    vst1q_f32(f + i, vcvt_f32_f16(vreinterpret_f16_u16(vget_low_u16(v))));
    vst1q_f32(f + i + 4, vcvt_f32_f16(vreinterpret_f16_u16(vget_high_u16(v))));
  }
  for (; i < n; i++) f[i] = ew_f16_to_f32_scalar(h[i]);
}

void ew_f32_narrow_f16_neon(const float *f, ew_f16 *h, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint16x4_t lo = vreinterpret_u16_f16(vcvt_f16_f32(vld1q_f32(f + i)));
    uint16x4_t hi = vreinterpret_u16_f16(vcvt_f16_f32(vld1q_f32(f + i + 4)));
    vst1q_u16(h + i, vcombine_u16(lo, hi));
  }
  for (; i < n; i++) h[i] = ew_f32_to_f16_scalar(f[i]);
}
