/* Depthwise 3x3 stride 1 on one zero-padded plane, 4 outputs per vector. Depthwise layers
 * have 9 MACs per output and no reuse across channels, so they are bound by loads; unaligned
 * vld1q at the three column offsets is cheaper than shuffling one load with vext. */
#include "kernels.h"
#include "neon.h"

void ew_convdw3x3s1_f32_neon(const float *xp, size_t pw, const float *w9, float bias, float *y,
                             size_t oh, size_t ow) {
  float32x4_t w0 = vld1q_f32(w9), w1 = vld1q_f32(w9 + 4);
  float w8 = w9[8];
  for (size_t oy = 0; oy < oh; oy++) {
    const float *r0 = xp + oy * pw, *r1 = r0 + pw, *r2 = r1 + pw;
    float *yr = y + oy * ow;
    size_t ox = 0;
    for (; ox + 4 <= ow; ox += 4) {
      float32x4_t acc = vdupq_n_f32(bias);
      acc = vfmaq_laneq_f32(acc, vld1q_f32(r0 + ox), w0, 0);
      acc = vfmaq_laneq_f32(acc, vld1q_f32(r0 + ox + 1), w0, 1);
      acc = vfmaq_laneq_f32(acc, vld1q_f32(r0 + ox + 2), w0, 2);
      acc = vfmaq_laneq_f32(acc, vld1q_f32(r1 + ox), w0, 3);
      acc = vfmaq_laneq_f32(acc, vld1q_f32(r1 + ox + 1), w1, 0);
      acc = vfmaq_laneq_f32(acc, vld1q_f32(r1 + ox + 2), w1, 1);
      acc = vfmaq_laneq_f32(acc, vld1q_f32(r2 + ox), w1, 2);
      acc = vfmaq_laneq_f32(acc, vld1q_f32(r2 + ox + 1), w1, 3);
      acc = vfmaq_n_f32(acc, vld1q_f32(r2 + ox + 2), w8);
      vst1q_f32(yr + ox, acc);
    }
    for (; ox < ow; ox++) {
      float acc = bias;
      for (int k = 0; k < 3; k++)
        acc += r0[ox + k] * w9[k] + r1[ox + k] * w9[3 + k] + r2[ox + k] * w9[6 + k];
      yr[ox] = acc;
    }
  }
}
