/* Depthwise 3x3 plane kernels, scalar twins of convdw3x3s{1,2}_f32_neon.c. */
#include "kernels.h"

static void plane(const float *xp, size_t pw, const float *w9, float bias, float *y,
                  size_t oh, size_t ow, size_t s) {
  for (size_t oy = 0; oy < oh; oy++)
    for (size_t ox = 0; ox < ow; ox++) {
      float acc = bias;
      for (size_t ky = 0; ky < 3; ky++)
        for (size_t kx = 0; kx < 3; kx++)
          acc += xp[(oy * s + ky) * pw + ox * s + kx] * w9[ky * 3 + kx];
      y[oy * ow + ox] = acc;
    }
}

void ew_convdw3x3s1_f32_scalar(const float *xp, size_t pw, const float *w9, float bias,
                               float *y, size_t oh, size_t ow) {
  plane(xp, pw, w9, bias, y, oh, ow, 1);
}

void ew_convdw3x3s2_f32_scalar(const float *xp, size_t pw, const float *w9, float bias,
                               float *y, size_t oh, size_t ow) {
  plane(xp, pw, w9, bias, y, oh, ow, 2);
}
