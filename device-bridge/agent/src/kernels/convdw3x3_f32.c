/* Depthwise 3x3 driver: copies each channel into a zero-padded plane (per thread) so the
 * plane kernels run without a single bounds check, then applies the fused activation. */
#include <string.h>
#include "kernels.h"
#include "../runtime/threadpool.h"

ew_dw_plane_fn ew_convdw_s1_impl = ew_convdw3x3s1_f32_neon;
ew_dw_plane_fn ew_convdw_s2_impl = ew_convdw3x3s2_f32_neon;

#define SLACK 8 /* floats the stride-2 NEON kernel may read past the plane */

static void plane_dims(const ew_conv_shape *s, size_t *ph, size_t *pw) {
  *ph = (size_t)(s->oh - 1) * s->sh + 3;
  *pw = (size_t)(s->ow - 1) * s->sw + 3;
}

static size_t workspace(const ew_conv_shape *s, int nthreads) {
  size_t ph, pw;
  plane_dims(s, &ph, &pw);
  return (size_t)nthreads * (ph * pw + SLACK);
}

typedef struct dw_ctx { const ew_conv_args *a; } dw_ctx;

static void dw_task(void *vc, size_t t, int thread) {
  const ew_conv_args *a = ((dw_ctx *)vc)->a;
  const ew_conv_shape *s = a->s;
  size_t ph, pw;
  plane_dims(s, &ph, &pw);
  float *xp = a->ws + (size_t)thread * (ph * pw + SLACK);
  size_t c = t % (size_t)s->c;
  const float *x = a->x + t * s->h * s->w;
  memset(xp, 0, (ph * pw + SLACK) * sizeof(float));
  for (size_t py = 0; py < ph; py++) {
    long iy = (long)py - s->pt;
    if (iy < 0 || iy >= s->h) continue;
    size_t x0 = (size_t)s->pl, n = (size_t)s->w;
    if (x0 >= pw) continue;
    if (x0 + n > pw) n = pw - x0;
    memcpy(xp + py * pw + x0, x + (size_t)iy * s->w, n * sizeof(float));
  }
  float *y = a->y + t * s->oh * s->ow;
  ew_dw_plane_fn fn = s->sh == 1 ? ew_convdw_s1_impl : ew_convdw_s2_impl;
  fn(xp, pw, a->w + c * 9, a->bias ? a->bias[c] : 0.0f, y, (size_t)s->oh, (size_t)s->ow);
  ew_act_apply(a->act, y, (size_t)s->oh * s->ow);
}

static void run(const ew_conv_args *a) {
  dw_ctx ctx = {a};
  ew_pool_run(a->pool, (size_t)a->s->n * a->s->c, dw_task, &ctx);
}

static const char *check(const ew_conv_shape *s, int stride) {
  if (s->kh != 3 || s->kw != 3) return "needs a 3x3 kernel";
  if (s->sh != stride || s->sw != stride) return stride == 1 ? "needs strides 1" : "needs strides 2";
  if (s->dh != 1 || s->dw != 1) return "needs dilations 1";
  if (s->group != s->c || s->m != s->c) return "needs group == C == M (depthwise)";
  return NULL;
}
static const char *unsupported_s1(const ew_conv_shape *s) { return check(s, 1); }
static const char *unsupported_s2(const ew_conv_shape *s) { return check(s, 2); }
static size_t no_pack(const ew_conv_shape *s) { (void)s; return 0; }

const ew_conv_algo ew_algo_convdw3x3s1_f32 = {"convdw3x3s1_f32", 6, unsupported_s1, no_pack,
                                              NULL, workspace, run};
const ew_conv_algo ew_algo_convdw3x3s2_f32 = {"convdw3x3s2_f32", 7, unsupported_s2, no_pack,
                                              NULL, workspace, run};
