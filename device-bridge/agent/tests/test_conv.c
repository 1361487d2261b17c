/* Every conv algorithm of kernels.inc against the generic direct convolution, on shapes at
 * and around each algorithm's tiles (Winograd 2/4, GEMM 8x12, NEON 4 lanes), with NEON and
 * scalar micro-kernels, 1 and 3 threads, and fused activations. */
#include <string.h>
#include "kernels.h"
#include "threadpool.h"
#include "testutil.h"

static const ew_conv_algo *algos[] = {
#define EW_CONV(ID, NAME) &ew_algo_##NAME,
#include "kernels.inc"
};

typedef struct shape_case { int n, c, h, w, m, kh, kw, s, d, pt, pl, pb, pr, g; } shape_case;

static float *run_algo(const ew_conv_algo *al, const ew_conv_shape *s, const float *x,
                       const float *w, const float *bias, const ew_act *act,
                       const ew_gemm_ops *ops, ew_pool *pool) {
  int threads = ew_pool_threads(pool);
  size_t pf = al->packed_floats(s), ny = (size_t)s->n * s->m * s->oh * s->ow;
  float *packed = pf ? malloc(pf * sizeof(float)) : NULL;
  if (pf) al->pack(s, w, packed);
  size_t wsf = al->workspace_floats(s, threads);
  float *ws = malloc((wsf ? wsf : 1) * sizeof(float)), *y = malloc(ny * sizeof(float));
  for (size_t i = 0; i < ny; i++) y[i] = NAN; /* every output must be written */
  ew_conv_args a = {s, x, pf ? packed : w, bias, act, y, ws, pool, ops};
  al->run(&a);
  free(packed);
  free(ws);
  return y;
}

static float rtol_for(const ew_conv_algo *al) {
  if (al->kernel_id == 5) return 3e-5f;  /* F43: transform constants up to 8 amplify rounding */
  if (al->kernel_id == 8) return 3e-5f;  /* FFT: error spreads over the whole plane */
  return 3e-6f;
}

static void check_shape(const shape_case *sc, const ew_act *act, ew_pool *pool3) {
  ew_conv_shape s = {sc->n, sc->c, sc->h, sc->w, sc->m, sc->kh, sc->kw, sc->s, sc->s, sc->d,
                     sc->d, sc->pt, sc->pl, sc->pb, sc->pr, sc->g, 0, 0};
  if (ew_conv_shape_finish(&s)) { TU_CHECK(0, "bad test shape"); return; }
  size_t nx = (size_t)s.n * s.c * s.h * s.w, nw = (size_t)s.m * (s.c / s.group) * s.kh * s.kw;
  size_t ny = (size_t)s.n * s.m * s.oh * s.ow;
  float *x = tu_rand(nx, -1, 1), *w = tu_rand(nw, -1, 1), *bias = tu_rand((size_t)s.m, -1, 1);
  float *ax = malloc(nx * 4), *aw = malloc(nw * 4), *ab = malloc((size_t)s.m * 4);
  for (size_t i = 0; i < nx; i++) ax[i] = fabsf(x[i]);
  for (size_t i = 0; i < nw; i++) aw[i] = fabsf(w[i]);
  for (int i = 0; i < s.m; i++) ab[i] = fabsf(bias[i]);
  const ew_conv_algo *direct = &ew_algo_conv_direct_f32_scalar;
  float *ref = run_algo(direct, &s, x, w, bias, act, &ew_gemm_ops_scalar, NULL);
  /* error scale: the same conv on |x|, |w|, |b| bounds every partial sum */
  float *scale = run_algo(direct, &s, ax, aw, ab, NULL, &ew_gemm_ops_scalar, NULL);
  float smax = 0;
  for (size_t i = 0; i < ny; i++) smax = scale[i] > smax ? scale[i] : smax;
  for (size_t i = 0; i < ny; i++) scale[i] += 0.05f * smax + 1.0f;
  for (size_t k = 1; k < sizeof(algos) / sizeof(algos[0]); k++) {
    if (algos[k]->unsupported(&s)) continue;
    for (int variant = 0; variant < 3; variant++) {
      const ew_gemm_ops *ops = variant == 1 ? &ew_gemm_ops_scalar : &ew_gemm_ops_neon;
      ew_convdw_s1_impl = variant == 1 ? ew_convdw3x3s1_f32_scalar : ew_convdw3x3s1_f32_neon;
      ew_convdw_s2_impl = variant == 1 ? ew_convdw3x3s2_f32_scalar : ew_convdw3x3s2_f32_neon;
      ew_winograd_f43_in4_impl =
          variant == 1 ? ew_winograd_f43_input4_f32_scalar : ew_winograd_f43_input4_f32_neon;
      ew_winograd_f43_out4_impl =
          variant == 1 ? ew_winograd_f43_output4_f32_scalar : ew_winograd_f43_output4_f32_neon;
      ew_winograd_f23_in4_impl =
          variant == 1 ? ew_winograd_f23_input4_f32_scalar : ew_winograd_f23_input4_f32_neon;
      ew_winograd_f23_out4_impl =
          variant == 1 ? ew_winograd_f23_output4_f32_scalar : ew_winograd_f23_output4_f32_neon;
      float *y = run_algo(algos[k], &s, x, w, bias, act, ops, variant == 2 ? pool3 : NULL);
      char what[200];
      snprintf(what, sizeof(what), "%s/%s%s n%d c%d %dx%d m%d k%dx%d s%d d%d p%d,%d,%d,%d g%d act%d",
               algos[k]->name, variant == 1 ? "scalar" : "neon", variant == 2 ? "/3thr" : "",
               s.n, s.c, s.h, s.w, s.m, s.kh, s.kw, s.sh, s.dh, s.pt, s.pl, s.pb, s.pr, s.group,
               act ? act->kind : 0);
      tu_close(what, y, ref, scale, ny, rtol_for(algos[k]), 1e-6f);
      free(y);
    }
  }
  ew_convdw_s1_impl = ew_convdw3x3s1_f32_neon;
  ew_convdw_s2_impl = ew_convdw3x3s2_f32_neon;
  ew_winograd_f43_in4_impl = ew_winograd_f43_input4_f32_neon;
  ew_winograd_f43_out4_impl = ew_winograd_f43_output4_f32_neon;
  ew_winograd_f23_in4_impl = ew_winograd_f23_input4_f32_neon;
  ew_winograd_f23_out4_impl = ew_winograd_f23_output4_f32_neon;
  free(x); free(w); free(bias); free(ax); free(aw); free(ab); free(ref); free(scale);
}

int main(void) {
  static const shape_case cases[] = {
      /* n  c   h   w   m  kh kw s d  pt pl pb pr g */
      {1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1},
      {1, 3, 5, 7, 8, 1, 1, 1, 1, 0, 0, 0, 0, 1},
      {2, 13, 13, 11, 9, 1, 1, 1, 1, 0, 0, 0, 0, 1},
      {1, 4, 6, 6, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1},    /* F43: exactly one 4x4 tile per row... */
      {1, 8, 8, 8, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1},
      {1, 5, 7, 9, 13, 3, 3, 1, 1, 1, 1, 1, 1, 1},   /* partial Winograd tiles */
      {1, 3, 3, 3, 7, 3, 3, 1, 1, 0, 0, 0, 0, 1},    /* output 1x1 */
      {1, 9, 13, 13, 17, 3, 3, 1, 1, 0, 2, 1, 0, 1}, /* asymmetric pads */
      {2, 16, 17, 19, 24, 3, 3, 1, 1, 1, 1, 1, 1, 1},
      {1, 6, 9, 9, 6, 3, 3, 2, 1, 1, 1, 1, 1, 2},    /* grouped, stride 2 */
      {1, 7, 14, 15, 5, 5, 5, 1, 2, 4, 4, 4, 4, 1},  /* dilated 5x5 */
      {1, 2, 20, 18, 3, 7, 7, 2, 1, 3, 3, 3, 3, 1},  /* 7x7 stride 2 */
      {1, 3, 16, 16, 4, 11, 11, 1, 1, 5, 5, 5, 5, 1},/* large kernel (FFT territory) */
      {1, 3, 30, 40, 5, 3, 3, 2, 1, 1, 1, 1, 1, 1},  /* stride 2, rows wider than a panel */
      {1, 2, 11, 61, 4, 5, 5, 3, 2, 2, 2, 2, 2, 1},  /* stride 3, dilation 2, wide rows */
      {1, 8, 9, 9, 8, 3, 3, 1, 1, 1, 1, 1, 1, 8},    /* depthwise s1 */
      {1, 13, 13, 11, 13, 3, 3, 1, 1, 1, 1, 1, 1, 13},
      {2, 5, 1, 9, 5, 3, 3, 1, 1, 1, 1, 1, 1, 5},    /* H = 1 */
      {1, 8, 10, 10, 8, 3, 3, 2, 1, 1, 1, 1, 1, 8},  /* depthwise s2 */
      {1, 7, 13, 17, 7, 3, 3, 2, 1, 0, 1, 1, 0, 7},
      {1, 4, 4, 31, 4, 3, 3, 2, 1, 1, 1, 1, 1, 4},
      {1, 32, 28, 28, 40, 3, 3, 1, 1, 1, 1, 1, 1, 1}, /* several GEMM panels and tile blocks */
      {1, 3, 16, 16, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1},  /* F43: 4 whole tiles per row */
      {1, 2, 17, 33, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1},  /* F43: 9 tiles per row, 1 partial */
      {1, 2, 20, 18, 3, 3, 3, 1, 1, 0, 0, 0, 0, 1},  /* no pads, output 18x16 */
      {2, 96, 9, 9, 100, 3, 3, 1, 1, 1, 1, 1, 1, 1}, /* C+M large: tile blocks smaller than rows */
      {1, 64, 14, 14, 64, 1, 1, 1, 1, 0, 0, 0, 0, 1},
  };
  ew_act relu = {EW_ACT_RELU, 0, 0}, leaky = {EW_ACT_LEAKYRELU, 0.2f, 0};
  ew_act clip6 = {EW_ACT_CLIP, 0, 6}, tanh_ = {EW_ACT_TANH, 0, 0};
  const ew_act *acts[] = {NULL, &relu, &leaky, &clip6, &tanh_};
  ew_pool *pool3 = ew_pool_create(3, NULL, 0);
  tu_seed(2);
  size_t n = sizeof(cases) / sizeof(cases[0]);
  for (size_t i = 0; i < n; i++) {
    if (!TU_BIG && cases[i].n * cases[i].c * cases[i].h * cases[i].w > 16000) continue;
    check_shape(&cases[i], acts[i % 5], pool3);
  }
  ew_pool_destroy(pool3);
  return tu_finish("test_conv");
}
