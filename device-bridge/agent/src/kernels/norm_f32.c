/* Softmax, LRN and the unfused BatchNormalization (per-channel scale and shift). */
#include <math.h>
#include "kernels.h"

void ew_softmax_f32(size_t outer, size_t axis, size_t inner, const float *x, float *y) {
  for (size_t o = 0; o < outer; o++)
    for (size_t i = 0; i < inner; i++) {
      const float *xp = x + o * axis * inner + i;
      float *yp = y + o * axis * inner + i;
      float mx = -INFINITY, sum = 0.0f;
      for (size_t a = 0; a < axis; a++) mx = xp[a * inner] > mx ? xp[a * inner] : mx;
      /* subtracting the max keeps exp from overflowing; sum in the same order as written */
      for (size_t a = 0; a < axis; a++) { yp[a * inner] = expf(xp[a * inner] - mx); sum += yp[a * inner]; }
      for (size_t a = 0; a < axis; a++) yp[a * inner] /= sum;
    }
}

void ew_lrn_f32(size_t n, size_t c, size_t hw, int size, float alpha, float beta, float bias,
                const float *x, float *y) {
  long lo = (size - 1) / 2, hi = size - 1 - lo; /* ONNX: floor((size-1)/2), ceil((size-1)/2) */
  for (size_t b = 0; b < n; b++)
    for (size_t ch = 0; ch < c; ch++)
      for (size_t p = 0; p < hw; p++) {
        float sq = 0.0f;
        for (long k = (long)ch - lo; k <= (long)ch + hi; k++)
          if (k >= 0 && k < (long)c) {
            float v = x[(b * c + (size_t)k) * hw + p];
            sq += v * v;
          }
        size_t i = (b * c + ch) * hw + p;
        y[i] = x[i] / powf(bias + alpha / (float)size * sq, beta);
      }
}

void ew_scale_shift_f32(size_t n, size_t c, size_t hw, const float *scale, const float *shift,
                        const ew_act *act, const float *x, float *y) {
  for (size_t b = 0; b < n; b++)
    for (size_t ch = 0; ch < c; ch++) {
      const float *xp = x + (b * c + ch) * hw;
      float *yp = y + (b * c + ch) * hw;
      for (size_t p = 0; p < hw; p++) yp[p] = xp[p] * scale[ch] + shift[ch];
      ew_act_apply(act, yp, hw);
    }
}
