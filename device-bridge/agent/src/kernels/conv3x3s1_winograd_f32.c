/* Winograd F(2x2,3x3) and F(4x4,3x3) (Lavin & Gray 2016) for 3x3 stride-1 convolutions.
 * Per block of output tiles: transform inputs straight into packed GEMM B panels, run one
 * GEMM per transform position (a*a of them, M x C times C x tiles), transform back. F43 does
 * 36 multiplies per 16 outputs where direct does 144; the transforms are O(C + M) per tile and
 * the filters are transformed once, at plan load (or by the compiler). */
#include <string.h>
#include "kernels.h"
#include "../runtime/threadpool.h"

typedef void (*tx1d_fn)(const float *in, size_t is, float *out, size_t os);

typedef struct wino {
  int m, a;
  tx1d_fn in1d, out1d, filt1d; /* B^T (a->a), A^T (a->m), G (3->a) */
  ew_wino_in4_fn *in4;         /* 4-tile transforms (NEON or scalar, see kernels.h) */
  ew_wino_out4_fn *out4;
} wino;

static void f23_in(const float *d, size_t is, float *o, size_t os) {
  float d0 = d[0], d1 = d[is], d2 = d[2 * is], d3 = d[3 * is];
  o[0] = d0 - d2; o[os] = d1 + d2; o[2 * os] = d2 - d1; o[3 * os] = d1 - d3;
}
static void f23_out(const float *m, size_t is, float *o, size_t os) {
  o[0] = m[0] + m[is] + m[2 * is];
  o[os] = m[is] - m[2 * is] - m[3 * is];
}
static void f23_filt(const float *g, size_t is, float *u, size_t os) {
  float g0 = g[0], g1 = g[is], g2 = g[2 * is];
  u[0] = g0; u[os] = 0.5f * (g0 + g1 + g2); u[2 * os] = 0.5f * (g0 - g1 + g2); u[3 * os] = g2;
}
static void f43_in(const float *d, size_t is, float *o, size_t os) {
  float d0 = d[0], d1 = d[is], d2 = d[2 * is], d3 = d[3 * is], d4 = d[4 * is], d5 = d[5 * is];
  o[0] = 4.0f * d0 - 5.0f * d2 + d4;
  o[os] = -4.0f * (d1 + d2) + d3 + d4;
  o[2 * os] = 4.0f * (d1 - d2) - d3 + d4;
  o[3 * os] = 2.0f * (d3 - d1) - d2 + d4;
  o[4 * os] = 2.0f * (d1 - d3) - d2 + d4;
  o[5 * os] = 4.0f * d1 - 5.0f * d3 + d5;
}
static void f43_out(const float *m, size_t is, float *o, size_t os) {
  float m0 = m[0], m1 = m[is], m2 = m[2 * is], m3 = m[3 * is], m4 = m[4 * is], m5 = m[5 * is];
  float s12 = m1 + m2, d12 = m1 - m2, s34 = m3 + m4, d34 = m3 - m4;
  o[0] = m0 + s12 + s34;
  o[os] = d12 + 2.0f * d34;
  o[2 * os] = s12 + 4.0f * s34;
  o[3 * os] = d12 + 8.0f * d34 + m5;
}
static void f43_filt(const float *g, size_t is, float *u, size_t os) {
  float g0 = g[0], g1 = g[is], g2 = g[2 * is];
  u[0] = 0.25f * g0;
  u[os] = -(g0 + g1 + g2) / 6.0f;
  u[2 * os] = -(g0 - g1 + g2) / 6.0f;
  u[3 * os] = g0 / 24.0f + g1 / 12.0f + g2 / 6.0f;
  u[4 * os] = g0 / 24.0f - g1 / 12.0f + g2 / 6.0f;
  u[5 * os] = g2;
}

/* out(ro x co) = T in T^T for a 1-D transform T taking ri -> ro (applied to columns, then rows) */
static void tx2d(tx1d_fn f, int ri, int ro, const float *in, float *out) {
  float tmp[36];
  for (int j = 0; j < ri; j++) f(in + j, (size_t)ri, tmp + j, (size_t)ri); /* ro x ri */
  for (int i = 0; i < ro; i++) f(tmp + i * ri, 1, out + i * ro, 1);
}

/* 4-tile transforms in plain C for either variant: the scalar twins of the NEON ones */
static void in4_generic(const wino *v, const float *p, size_t pw, float *u) {
  float d[36], t[36];
  for (int k = 0; k < 4; k++) {
    for (int i = 0; i < v->a; i++)
      for (int j = 0; j < v->a; j++) d[i * v->a + j] = p[(size_t)i * pw + (size_t)(k * v->m + j)];
    tx2d(v->in1d, v->a, v->a, d, t);
    for (int xi = 0; xi < v->a * v->a; xi++) u[xi * 4 + k] = t[xi];
  }
}

static void out4_generic(const wino *v, const float *m, size_t mstride, float bias, float *y,
                         size_t ystride) {
  float mt[36], o[16];
  for (int k = 0; k < 4; k++) {
    for (int xi = 0; xi < v->a * v->a; xi++) mt[xi] = m[(size_t)xi * mstride + (size_t)k];
    tx2d(v->out1d, v->a, v->m, mt, o);
    for (int i = 0; i < v->m; i++)
      for (int j = 0; j < v->m; j++) y[(size_t)i * ystride + (size_t)(k * v->m + j)] = o[i * v->m + j] + bias;
  }
}

static const wino F43_S;
static const wino F23;
void ew_winograd_f43_input4_f32_scalar(const float *p, size_t pw, float *u) {
  in4_generic(&F43_S, p, pw, u);
}
void ew_winograd_f43_output4_f32_scalar(const float *m, size_t mstride, float bias, float *y,
                                        size_t ystride) {
  out4_generic(&F43_S, m, mstride, bias, y, ystride);
}
void ew_winograd_f23_input4_f32_scalar(const float *p, size_t pw, float *u) {
  in4_generic(&F23, p, pw, u);
}
void ew_winograd_f23_output4_f32_scalar(const float *m, size_t mstride, float bias, float *y,
                                        size_t ystride) {
  out4_generic(&F23, m, mstride, bias, y, ystride);
}

ew_wino_in4_fn ew_winograd_f43_in4_impl = ew_winograd_f43_input4_f32_neon;
ew_wino_out4_fn ew_winograd_f43_out4_impl = ew_winograd_f43_output4_f32_neon;
ew_wino_in4_fn ew_winograd_f23_in4_impl = ew_winograd_f23_input4_f32_neon;
ew_wino_out4_fn ew_winograd_f23_out4_impl = ew_winograd_f23_output4_f32_neon;

static const wino F23 = {2, 4, f23_in, f23_out, f23_filt, &ew_winograd_f23_in4_impl,
                         &ew_winograd_f23_out4_impl};
static const wino F43 = {4, 6, f43_in, f43_out, f43_filt, &ew_winograd_f43_in4_impl,
                         &ew_winograd_f43_out4_impl};
static const wino F43_S = {4, 6, f43_in, f43_out, f43_filt, NULL, NULL};

static size_t packed_floats_w(const wino *v, const ew_conv_shape *s) {
  return (size_t)v->a * v->a * ew_pack_a_floats((size_t)s->m, (size_t)s->c);
}

static int pack_w(const wino *v, const ew_conv_shape *s, const float *oihw, float *packed) {
  size_t M = (size_t)s->m, C = (size_t)s->c, aa = (size_t)v->a * v->a;
  size_t per = ew_pack_a_floats(M, C);
  /* rows beyond M in the last panel must read as zero */
  memset(packed, 0, aa * per * sizeof(float));
  for (size_t o = 0; o < M; o++)
    for (size_t c = 0; c < C; c++) {
      float u[36];
      tx2d(v->filt1d, 3, v->a, oihw + (o * C + c) * 9, u);
      /* element (o, c) of position xi in MR8 panel layout */
      size_t off = (o / EW_GEMM_MR) * C * EW_GEMM_MR + c * EW_GEMM_MR + o % EW_GEMM_MR;
      for (size_t xi = 0; xi < aa; xi++) packed[xi * per + off] = u[xi];
    }
  return 0;
}

static size_t tiles_of(const wino *v, const ew_conv_shape *s) {
  size_t th = ((size_t)s->oh + v->m - 1) / v->m, tw = ((size_t)s->ow + v->m - 1) / v->m;
  return th * tw;
}

/* Tiles per block: keeps V and the GEMM outputs of a block near 4 MiB. */
static size_t block_tiles(const wino *v, const ew_conv_shape *s) {
  size_t per_tile = (size_t)v->a * v->a * ((size_t)s->c + s->m);
  size_t tb = ((size_t)1 << 20) / per_tile / EW_GEMM_NR * EW_GEMM_NR;
  size_t all = (tiles_of(v, s) + EW_GEMM_NR - 1) / EW_GEMM_NR * EW_GEMM_NR;
  if (tb < EW_GEMM_NR) tb = EW_GEMM_NR;
  return tb < all ? tb : all;
}

/* Padded input plane: every 4-tile group reads inside it, so transforms need no bounds checks.
 * Width covers whole groups of 4 tiles plus the overlap (a - m) and the vld4q over-read. */
static void plane_dims(const wino *v, const ew_conv_shape *s, size_t *ph, size_t *pw) {
  size_t th = ((size_t)s->oh + v->m - 1) / v->m, tw = ((size_t)s->ow + v->m - 1) / v->m;
  *ph = th * v->m + v->a - v->m;
  *pw = (tw + 3) / 4 * 4 * v->m + v->a + 2;
}

static size_t workspace_w(const wino *v, const ew_conv_shape *s, int nthreads) {
  size_t ph, pw;
  plane_dims(v, s, &ph, &pw);
  return (size_t)v->a * v->a * block_tiles(v, s) * ((size_t)s->c + s->m) +
         (size_t)nthreads * ph * pw;
}

typedef struct wctx {
  const wino *v;
  const ew_conv_args *a;
  const float *x;  /* batch image */
  float *y;
  size_t t0, tb, TB, tw;
  float *V, *Mo;   /* [aa][TB*C] packed panels, [aa][M][TB] */
  float *planes;   /* per thread ph x pw */
  size_t ph, pw;
} wctx;

static void fill_plane(const wctx *w, const float *xc, float *pl) {
  const ew_conv_shape *s = w->a->s;
  memset(pl, 0, w->ph * w->pw * sizeof(float));
  for (size_t py = 0; py < w->ph; py++) {
    long iy = (long)py - s->pt;
    if (iy < 0 || iy >= s->h || (size_t)s->pl >= w->pw) continue;
    size_t n = (size_t)s->w < w->pw - (size_t)s->pl ? (size_t)s->w : w->pw - (size_t)s->pl;
    memcpy(pl + py * w->pw + s->pl, xc + (size_t)iy * s->w, n * sizeof(float));
  }
}

/* the V element of position xi, block-local tile t, channel c (packed B panel layout) */
static size_t v_off(size_t TB, size_t C, size_t xi, size_t t, size_t c) {
  return xi * TB * C + (t / EW_GEMM_NR) * C * EW_GEMM_NR + c * EW_GEMM_NR + t % EW_GEMM_NR;
}

static void input_task(void *vc, size_t c, int thread) {
  const wctx *w = vc;
  const ew_conv_shape *s = w->a->s;
  size_t m = (size_t)w->v->m, aa = (size_t)w->v->a * w->v->a, C = (size_t)s->c;
  float *pl = w->planes + (size_t)thread * w->ph * w->pw;
  fill_plane(w, w->x + c * s->h * s->w, pl);
  float u[36 * 4];
  for (size_t ty = w->t0 / w->tw; ty * w->tw < w->t0 + w->tb; ty++)
    for (size_t tx = 0; tx < w->tw; tx += 4) {
      size_t first = ty * w->tw + tx;
      if (first + 4 <= w->t0 || first >= w->t0 + w->tb) continue;
      (*w->v->in4)(pl + ty * m * w->pw + tx * m, w->pw, u);
      for (size_t k = 0; k < 4; k++) {
        size_t tile = first + k;
        if (tx + k >= w->tw || tile < w->t0 || tile >= w->t0 + w->tb) continue;
        for (size_t xi = 0; xi < aa; xi++) w->V[v_off(w->TB, C, xi, tile - w->t0, c)] = u[xi * 4 + k];
      }
    }
  /* lanes past the last tile of the block are read by the GEMM: make them zero, not stale */
  size_t end = (w->tb + EW_GEMM_NR - 1) / EW_GEMM_NR * EW_GEMM_NR;
  for (size_t t = w->tb; t < end; t++)
    for (size_t xi = 0; xi < aa; xi++) w->V[v_off(w->TB, C, xi, t, c)] = 0.0f;
}

typedef struct vsrc { const float *v; size_t K; } vsrc;

static const float *packed_get_b(void *ctx, size_t k0, size_t kc, size_t n0, size_t nc,
                                 float *scratch, size_t *panel_stride) {
  (void)kc; (void)nc; (void)scratch;
  const vsrc *src = ctx;
  *panel_stride = src->K * EW_GEMM_NR;
  return src->v + n0 / EW_GEMM_NR * src->K * EW_GEMM_NR + k0 * EW_GEMM_NR;
}

static void gemm_task(void *vc, size_t xi, int thread) {
  (void)thread;
  const wctx *w = vc;
  const ew_conv_shape *s = w->a->s;
  size_t M = (size_t)s->m, C = (size_t)s->c;
  vsrc src = {w->V + xi * w->TB * C, C};
  ew_gemm_problem p = {M, w->tb, C, w->a->w + xi * ew_pack_a_floats(M, C), packed_get_b, &src,
                       w->Mo + xi * M * w->TB, w->TB, NULL, NULL};
  ew_sgemm_range(w->a->gemm, &p, 0, (M + EW_GEMM_MR - 1) / EW_GEMM_MR, 0, w->tb, NULL);
}

/* one tile whose 4-group is incomplete (block edge, row end) or crosses the output border */
static void output_tile(const wctx *w, size_t o, size_t t, float bias, float *yo) {
  const ew_conv_shape *s = w->a->s;
  int a = w->v->a, m = w->v->m;
  size_t aa = (size_t)a * a, M = (size_t)s->m;
  float mt[36], out[16];
  for (size_t xi = 0; xi < aa; xi++) mt[xi] = w->Mo[(xi * M + o) * w->TB + t];
  tx2d(w->v->out1d, a, m, mt, out);
  size_t tile = w->t0 + t;
  int y0 = (int)(tile / w->tw) * m, x0 = (int)(tile % w->tw) * m;
  for (int i = 0; i < m && y0 + i < s->oh; i++)
    for (int j = 0; j < m && x0 + j < s->ow; j++)
      yo[(size_t)(y0 + i) * s->ow + x0 + j] = out[i * m + j] + bias;
}

static void output_task(void *vc, size_t o, int thread) {
  (void)thread;
  const wctx *w = vc;
  const ew_conv_shape *s = w->a->s;
  size_t m = (size_t)w->v->m, M = (size_t)s->m;
  float bias = w->a->bias ? w->a->bias[o] : 0.0f;
  float *yo = w->y + o * s->oh * s->ow;
  for (size_t ty = w->t0 / w->tw; ty * w->tw < w->t0 + w->tb; ty++)
    for (size_t tx = 0; tx < w->tw; tx += 4) {
      size_t first = ty * w->tw + tx;
      int whole = tx + 4 <= w->tw && first >= w->t0 && first + 4 <= w->t0 + w->tb &&
                  (ty + 1) * m <= (size_t)s->oh && (tx + 4) * m <= (size_t)s->ow;
      if (whole) {
        (*w->v->out4)(w->Mo + o * w->TB + (first - w->t0), M * w->TB, bias,
                      yo + ty * m * s->ow + tx * m, (size_t)s->ow);
        continue;
      }
      for (size_t k = 0; k < 4; k++) {
        size_t tile = first + k;
        if (tx + k < w->tw && tile >= w->t0 && tile < w->t0 + w->tb)
          output_tile(w, o, tile - w->t0, bias, yo);
      }
    }
}

static void act_task(void *vc, size_t o, int thread) {
  (void)thread;
  const wctx *w = vc;
  size_t plane = (size_t)w->a->s->oh * w->a->s->ow;
  ew_act_apply(w->a->act, w->y + o * plane, plane);
}

static void run_w(const wino *v, const ew_conv_args *a) {
  const ew_conv_shape *s = a->s;
  size_t T = tiles_of(v, s), TB = block_tiles(v, s), aa = (size_t)v->a * v->a;
  wctx w = {v, a, NULL, NULL, 0, 0, TB, ((size_t)s->ow + v->m - 1) / v->m, a->ws,
            a->ws + aa * TB * (size_t)s->c, a->ws + aa * TB * ((size_t)s->c + s->m), 0, 0};
  plane_dims(v, s, &w.ph, &w.pw);
  for (int n = 0; n < s->n; n++) {
    w.x = a->x + (size_t)n * s->c * s->h * s->w;
    w.y = a->y + (size_t)n * s->m * s->oh * s->ow;
    for (w.t0 = 0; w.t0 < T; w.t0 += TB) {
      w.tb = T - w.t0 < TB ? T - w.t0 : TB;
      ew_pool_run(a->pool, (size_t)s->c, input_task, &w);
      ew_pool_run(a->pool, aa, gemm_task, &w);
      ew_pool_run(a->pool, (size_t)s->m, output_task, &w);
    }
    if (a->act && a->act->kind != EW_ACT_NONE) ew_pool_run(a->pool, (size_t)s->m, act_task, &w);
  }
}

static const char *unsupported(const ew_conv_shape *s) {
  if (s->kh != 3 || s->kw != 3) return "needs a 3x3 kernel";
  if (s->sh != 1 || s->sw != 1) return "needs strides 1";
  if (s->dh != 1 || s->dw != 1) return "needs dilations 1";
  if (s->group != 1) return "needs group 1";
  return NULL;
}

#define WINO_ALGO(NAME, V, ID)                                                              \
  static size_t NAME##_pf(const ew_conv_shape *s) { return packed_floats_w(&V, s); }       \
  static int NAME##_pack(const ew_conv_shape *s, const float *w, float *p) {                \
    return pack_w(&V, s, w, p);                                                             \
  }                                                                                         \
  static size_t NAME##_ws(const ew_conv_shape *s, int nt) { return workspace_w(&V, s, nt); } \
  static void NAME##_run(const ew_conv_args *a) { run_w(&V, a); }                           \
  const ew_conv_algo ew_algo_##NAME = {#NAME, ID, unsupported, NAME##_pf, NAME##_pack,      \
                                       NAME##_ws, NAME##_run};

WINO_ALGO(conv3x3s1_winograd_f23_f32, F23, 4)
WINO_ALGO(conv3x3s1_winograd_f43_f32, F43, 5)
