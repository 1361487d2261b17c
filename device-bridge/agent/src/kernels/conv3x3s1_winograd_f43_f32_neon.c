/* Winograd F(4x4,3x3) input and output transforms for 4 horizontally adjacent tiles at once,
 * NEON. vld4q de-interleaves 16 consecutive input floats so that lane k holds tile k's column
 * (tiles start 4 floats apart), and vst4q interleaves the results back: the transforms then
 * run as plain vector arithmetic with no shuffles. Scalar twin: ew_winograd_*4_f32_scalar. */
#include "kernels.h"
#include "neon.h"

/* B^T applied to 6 vectors (one column of the 6x6 patch) */
static void bt6(const float32x4_t *d, float32x4_t *o) {
  float32x4_t four = vdupq_n_f32(4.0f);
  float32x4_t d1d2 = vaddq_f32(d[1], d[2]), d3d4 = vaddq_f32(d[3], d[4]);
  o[0] = vaddq_f32(vmlsq_n_f32(vmulq_f32(d[0], four), d[2], 5.0f), d[4]);
  o[1] = vsubq_f32(d3d4, vmulq_f32(d1d2, four));
  o[2] = vaddq_f32(vmulq_f32(vsubq_f32(d[1], d[2]), four), vsubq_f32(d[4], d[3]));
  o[3] = vaddq_f32(vmulq_n_f32(vsubq_f32(d[3], d[1]), 2.0f), vsubq_f32(d[4], d[2]));
  o[4] = vaddq_f32(vmulq_n_f32(vsubq_f32(d[1], d[3]), 2.0f), vsubq_f32(d[4], d[2]));
  o[5] = vaddq_f32(vmlsq_n_f32(vmulq_f32(d[1], four), d[3], 5.0f), d[5]);
}

void ew_winograd_f43_input4_f32_neon(const float *p, size_t pw, float *u) {
  float32x4_t d[6][6], t[6][6], col[6], out[6];
  for (int i = 0; i < 6; i++) {
    float32x4x4_t a = vld4q_f32(p + (size_t)i * pw);
    float32x4x4_t b = vld4q_f32(p + (size_t)i * pw + 4);
    d[i][0] = a.val[0]; d[i][1] = a.val[1]; d[i][2] = a.val[2]; d[i][3] = a.val[3];
    d[i][4] = b.val[0]; d[i][5] = b.val[1];
  }
  for (int j = 0; j < 6; j++) { /* columns: t = B^T d */
    for (int i = 0; i < 6; i++) col[i] = d[i][j];
    bt6(col, out);
    for (int i = 0; i < 6; i++) t[i][j] = out[i];
  }
  for (int i = 0; i < 6; i++) { /* rows: u = t B */
    bt6(t[i], out);
    for (int j = 0; j < 6; j++) vst1q_f32(u + (size_t)(i * 6 + j) * 4, out[j]);
  }
}

/* A^T applied to 6 vectors */
static void at6(const float32x4_t *m, float32x4_t *o) {
  float32x4_t s12 = vaddq_f32(m[1], m[2]), d12 = vsubq_f32(m[1], m[2]);
  float32x4_t s34 = vaddq_f32(m[3], m[4]), d34 = vsubq_f32(m[3], m[4]);
  o[0] = vaddq_f32(vaddq_f32(m[0], s12), s34);
  o[1] = vmlaq_n_f32(d12, d34, 2.0f);
  o[2] = vmlaq_n_f32(s12, s34, 4.0f);
  o[3] = vaddq_f32(vmlaq_n_f32(d12, d34, 8.0f), m[5]);
}

void ew_winograd_f43_output4_f32_neon(const float *m, size_t mstride, float bias, float *y,
                                      size_t ystride) {
  float32x4_t s[4][6], col[6], out[4], b = vdupq_n_f32(bias);
  for (int j = 0; j < 6; j++) { /* columns */
    for (int i = 0; i < 6; i++) col[i] = vld1q_f32(m + (size_t)(i * 6 + j) * mstride);
    at6(col, out);
    for (int i = 0; i < 4; i++) s[i][j] = out[i];
  }
  for (int i = 0; i < 4; i++) { /* rows, then 4 tiles x 4 columns back to 16 contiguous floats */
    at6(s[i], out);
    float32x4x4_t r = {{vaddq_f32(out[0], b), vaddq_f32(out[1], b), vaddq_f32(out[2], b),
                        vaddq_f32(out[3], b)}};
    vst4q_f32(y + (size_t)i * ystride, r);
  }
}
