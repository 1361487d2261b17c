/* Generic direct convolution: any kernel, stride, dilation, padding and groups. It is the
 * reference every other conv algorithm is tested against, and the fallback the compiler can
 * always choose, so it favours obvious correctness over speed. */
#include "kernels.h"
#include "../runtime/threadpool.h"

static int64_t out_dim(int64_t in, int64_t pa, int64_t pb, int64_t k, int64_t s, int64_t d) {
  int64_t span = (k - 1) * d + 1;
  if (in + pa + pb < span) return -1;
  return (in + pa + pb - span) / s + 1;
}

int ew_conv_shape_finish(ew_conv_shape *s) {
  const int lim = 1 << 20; /* keeps every product below in int64 */
  int v[] = {s->n, s->c, s->h, s->w, s->m, s->kh, s->kw, s->sh, s->sw, s->dh, s->dw, s->group};
  for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
    if (v[i] < 1 || v[i] > lim) return -1;
  if (s->pt < 0 || s->pl < 0 || s->pb < 0 || s->pr < 0) return -1;
  if (s->pt > lim || s->pl > lim || s->pb > lim || s->pr > lim) return -1;
  if (s->c % s->group || s->m % s->group) return -1;
  int64_t oh = out_dim(s->h, s->pt, s->pb, s->kh, s->sh, s->dh);
  int64_t ow = out_dim(s->w, s->pl, s->pr, s->kw, s->sw, s->dw);
  if (oh < 1 || ow < 1 || oh > lim || ow > lim) return -1;
  s->oh = (int)oh;
  s->ow = (int)ow;
  return 0;
}

typedef struct direct_ctx { const ew_conv_args *a; } direct_ctx;

/* one task = one (batch, output channel) plane */
static void direct_task(void *vctx, size_t t, int thread) {
  (void)thread;
  const ew_conv_args *a = ((direct_ctx *)vctx)->a;
  const ew_conv_shape *s = a->s;
  int n = (int)(t / (size_t)s->m), m = (int)(t % (size_t)s->m);
  int cg = s->c / s->group, mg = s->m / s->group, g = m / mg;
  const float *w = a->w + (size_t)m * cg * s->kh * s->kw;
  float *y = a->y + ((size_t)n * s->m + m) * s->oh * s->ow;
  for (int oy = 0; oy < s->oh; oy++)
    for (int ox = 0; ox < s->ow; ox++) {
      float acc = a->bias ? a->bias[m] : 0.0f;
      for (int c = 0; c < cg; c++) {
        const float *x = a->x + ((size_t)n * s->c + (size_t)g * cg + c) * s->h * s->w;
        const float *wc = w + (size_t)c * s->kh * s->kw;
        for (int ky = 0; ky < s->kh; ky++) {
          int iy = oy * s->sh - s->pt + ky * s->dh;
          if (iy < 0 || iy >= s->h) continue;
          for (int kx = 0; kx < s->kw; kx++) {
            int ix = ox * s->sw - s->pl + kx * s->dw;
            if (ix >= 0 && ix < s->w) acc += x[(size_t)iy * s->w + ix] * wc[ky * s->kw + kx];
          }
        }
      }
      y[(size_t)oy * s->ow + ox] = acc;
    }
  ew_act_apply(a->act, y, (size_t)s->oh * s->ow);
}

static void run(const ew_conv_args *a) {
  direct_ctx ctx = {a};
  ew_pool_run(a->pool, (size_t)a->s->n * a->s->m, direct_task, &ctx);
}

static const char *unsupported(const ew_conv_shape *s) { (void)s; return NULL; }
static size_t no_pack(const ew_conv_shape *s) { (void)s; return 0; }
static size_t no_ws(const ew_conv_shape *s, int nthreads) { (void)s; (void)nthreads; return 0; }

const ew_conv_algo ew_algo_conv_direct_f32_scalar = {
    "conv_direct_f32_scalar", 1, unsupported, no_pack, NULL, no_ws, run};
