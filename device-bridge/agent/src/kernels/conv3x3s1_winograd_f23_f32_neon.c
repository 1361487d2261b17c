/* Winograd F(2x2,3x3) input and output transforms for 4 horizontally adjacent tiles, NEON.
 * Tiles start 2 floats apart, so vld2q at p and p+2 yields the 4 patch columns with lane k =
 * tile k, and vst2q writes the 2 output columns of the 4 tiles back as 8 contiguous floats.
 * Scalar twin: ew_winograd_f23_*4_f32_scalar in conv3x3s1_winograd_f32.c. */
#include "kernels.h"
#include "neon.h"

/* B^T = [[1,0,-1,0],[0,1,1,0],[0,-1,1,0],[0,1,0,-1]] on 4 vectors */
static void bt4(const float32x4_t *d, float32x4_t *o) {
  o[0] = vsubq_f32(d[0], d[2]);
  o[1] = vaddq_f32(d[1], d[2]);
  o[2] = vsubq_f32(d[2], d[1]);
  o[3] = vsubq_f32(d[1], d[3]);
}

void ew_winograd_f23_input4_f32_neon(const float *p, size_t pw, float *u) {
  float32x4_t d[4][4], t[4][4], col[4], out[4];
  for (int i = 0; i < 4; i++) {
    float32x4x2_t a = vld2q_f32(p + (size_t)i * pw), b = vld2q_f32(p + (size_t)i * pw + 2);
    d[i][0] = a.val[0]; d[i][1] = a.val[1]; d[i][2] = b.val[0]; d[i][3] = b.val[1];
  }
  for (int j = 0; j < 4; j++) {
    for (int i = 0; i < 4; i++) col[i] = d[i][j];
    bt4(col, out);
    for (int i = 0; i < 4; i++) t[i][j] = out[i];
  }
  for (int i = 0; i < 4; i++) {
    bt4(t[i], out);
    for (int j = 0; j < 4; j++) vst1q_f32(u + (size_t)(i * 4 + j) * 4, out[j]);
  }
}

void ew_winograd_f23_output4_f32_neon(const float *m, size_t mstride, float bias, float *y,
                                      size_t ystride) {
  float32x4_t s[2][4], b = vdupq_n_f32(bias);
  for (int j = 0; j < 4; j++) { /* A^T = [[1,1,1,0],[0,1,-1,-1]] on columns */
    float32x4_t m0 = vld1q_f32(m + (size_t)j * mstride), m1 = vld1q_f32(m + (size_t)(4 + j) * mstride);
    float32x4_t m2 = vld1q_f32(m + (size_t)(8 + j) * mstride), m3 = vld1q_f32(m + (size_t)(12 + j) * mstride);
    s[0][j] = vaddq_f32(vaddq_f32(m0, m1), m2);
    s[1][j] = vsubq_f32(vsubq_f32(m1, m2), m3);
  }
  for (int i = 0; i < 2; i++) {
    float32x4x2_t r = {{vaddq_f32(vaddq_f32(vaddq_f32(s[i][0], s[i][1]), s[i][2]), b),
                        vaddq_f32(vsubq_f32(vsubq_f32(s[i][1], s[i][2]), s[i][3]), b)}};
    vst2q_f32(y + (size_t)i * ystride, r);
  }
}
