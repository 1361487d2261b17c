/* Max / average / global pooling, NCHW. Pooling moves data rather than computing, so one
 * clear scalar version serves as both reference and implementation. */
#include <float.h>
#include <math.h>
#include "kernels.h"

static int64_t pool_out(int64_t in, int64_t pa, int64_t pb, int64_t k, int64_t s, int64_t d,
                        int ceil_mode) {
  int64_t span = (k - 1) * d + 1, room = in + pa + pb - span;
  if (room < 0) return -1;
  int64_t o = (ceil_mode ? (room + s - 1) / s : room / s) + 1;
  /* ONNX/PyTorch: the last window must start inside the input or left padding */
  if (ceil_mode && (o - 1) * s >= in + pa) o--;
  return o;
}

int ew_pool_shape_finish(ew_pool_shape *s) {
  const int lim = 1 << 20;
  int v[] = {s->n, s->c, s->h, s->w, s->kh, s->kw, s->sh, s->sw, s->dh, s->dw};
  for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
    if (v[i] < 1 || v[i] > lim) return -1;
  if (s->pt < 0 || s->pl < 0 || s->pb < 0 || s->pr < 0) return -1;
  if (s->pt >= s->kh || s->pb >= s->kh || s->pl >= s->kw || s->pr >= s->kw) return -1;
  int64_t oh = pool_out(s->h, s->pt, s->pb, s->kh, s->sh, s->dh, s->ceil_mode);
  int64_t ow = pool_out(s->w, s->pl, s->pr, s->kw, s->sw, s->dw, s->ceil_mode);
  if (oh < 1 || ow < 1 || oh > lim || ow > lim) return -1;
  s->oh = (int)oh;
  s->ow = (int)ow;
  return 0;
}

void ew_maxpool_f32(const ew_pool_shape *s, const float *x, float *y) {
  for (size_t p = 0; p < (size_t)s->n * s->c; p++) {
    const float *xp = x + p * s->h * s->w;
    for (int oy = 0; oy < s->oh; oy++)
      for (int ox = 0; ox < s->ow; ox++) {
        float m = -INFINITY;
        for (int ky = 0; ky < s->kh; ky++) {
          int iy = oy * s->sh - s->pt + ky * s->dh;
          if (iy < 0 || iy >= s->h) continue;
          for (int kx = 0; kx < s->kw; kx++) {
            int ix = ox * s->sw - s->pl + kx * s->dw;
            if (ix >= 0 && ix < s->w && xp[(size_t)iy * s->w + ix] > m) m = xp[(size_t)iy * s->w + ix];
          }
        }
        *y++ = m;
      }
  }
}

/* count_include_pad counts explicit pads but never the extra cells ceil mode adds */
static float avg_window(const ew_pool_shape *s, const float *xp, int oy, int ox) {
  int y0 = oy * s->sh - s->pt, x0 = ox * s->sw - s->pl;
  int y1 = y0 + s->kh, x1 = x0 + s->kw;
  int py1 = y1 < s->h + s->pb ? y1 : s->h + s->pb, px1 = x1 < s->w + s->pr ? x1 : s->w + s->pr;
  int cy0 = y0 > 0 ? y0 : 0, cx0 = x0 > 0 ? x0 : 0;
  int cy1 = y1 < s->h ? y1 : s->h, cx1 = x1 < s->w ? x1 : s->w;
  float sum = 0.0f;
  for (int iy = cy0; iy < cy1; iy++)
    for (int ix = cx0; ix < cx1; ix++) sum += xp[(size_t)iy * s->w + ix];
  int count = s->count_include_pad ? (py1 - y0) * (px1 - x0) : (cy1 - cy0) * (cx1 - cx0);
  return count > 0 ? sum / (float)count : 0.0f;
}

void ew_avgpool_f32(const ew_pool_shape *s, const float *x, float *y) {
  for (size_t p = 0; p < (size_t)s->n * s->c; p++) {
    const float *xp = x + p * s->h * s->w;
    for (int oy = 0; oy < s->oh; oy++)
      for (int ox = 0; ox < s->ow; ox++) *y++ = avg_window(s, xp, oy, ox);
  }
}

void ew_global_avgpool_f32(size_t nc, size_t hw, const float *x, float *y) {
  for (size_t p = 0; p < nc; p++) {
    double sum = 0.0; /* double: 56x56 planes of similar values lose bits in float */
    for (size_t i = 0; i < hw; i++) sum += x[p * hw + i];
    y[p] = (float)(sum / (double)hw);
  }
}

void ew_global_maxpool_f32(size_t nc, size_t hw, const float *x, float *y) {
  for (size_t p = 0; p < nc; p++) {
    float m = -INFINITY;
    for (size_t i = 0; i < hw; i++) m = x[p * hw + i] > m ? x[p * hw + i] : m;
    y[p] = m;
  }
}
