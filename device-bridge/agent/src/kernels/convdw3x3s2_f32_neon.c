/* Depthwise 3x3 stride 2 on one zero-padded plane: vld2q splits even and odd columns, which
 * are exactly the kx = 0 and kx = 1 taps of 4 neighbouring outputs (kx = 2 is the next even).
 * Reads up to 2 floats past the last needed column; the plane buffer carries that slack. */
#include "kernels.h"
#include "neon.h"

static float32x4_t row3(float32x4_t acc, const float *r, const float *w) {
  float32x4x2_t v = vld2q_f32(r);
  float32x4x2_t u = vld2q_f32(r + 2);
  acc = vfmaq_n_f32(acc, v.val[0], w[0]);
  acc = vfmaq_n_f32(acc, v.val[1], w[1]);
  return vfmaq_n_f32(acc, u.val[0], w[2]);
}

void ew_convdw3x3s2_f32_neon(const float *xp, size_t pw, const float *w9, float bias, float *y,
                             size_t oh, size_t ow) {
  for (size_t oy = 0; oy < oh; oy++) {
    const float *r0 = xp + 2 * oy * pw, *r1 = r0 + pw, *r2 = r1 + pw;
    float *yr = y + oy * ow;
    size_t ox = 0;
    for (; ox + 4 <= ow; ox += 4) {
      float32x4_t acc = vdupq_n_f32(bias);
      acc = row3(acc, r0 + 2 * ox, w9);
      acc = row3(acc, r1 + 2 * ox, w9 + 3);
      acc = row3(acc, r2 + 2 * ox, w9 + 6);
      vst1q_f32(yr + ox, acc);
    }
    for (; ox < ow; ox++) {
      float acc = bias;
      for (int k = 0; k < 3; k++)
        acc += r0[2 * ox + k] * w9[k] + r1[2 * ox + k] * w9[3 + k] + r2[2 * ox + k] * w9[6 + k];
      yr[ox] = acc;
    }
  }
}
