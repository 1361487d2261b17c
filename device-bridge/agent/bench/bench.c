/* One-run benchmark, host build, 1 thread: SGEMM GFLOPS on squares and ResNet-18 conv shapes,
 * Winograd F43/F23 vs im2col+SGEMM on ResNet-18's 3x3 stride-1 layers, OpenBLAS for scale.
 * Each figure is the best of repeated runs after a warm-up. Never run this under qemu. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "threadpool.h"
#include "edgewise/rt.h"
#include "bench_timing.h"
#include "kernels.h"
#ifdef EW_HAVE_OPENBLAS
#include <cblas.h>
void openblas_set_num_threads(int);
char *openblas_get_corename(void);
#endif

static double best_time(bench_fn f, void *ctx) {
  return bench_best_time(f, ctx, 3, 0.3, 202);
}

static float *rnd(size_t n) {
  float *p = malloc(n * sizeof(float));
  for (size_t i = 0; i < n; i++) p[i] = (float)((i * 2654435761u) % 1000) / 1000.0f - 0.5f;
  return p;
}

typedef struct gemm_ctx { size_t M, N, K; float *a, *ap, *b, *c, *scratch; } gemm_ctx;

static void run_ours(void *v) {
  gemm_ctx *g = v;
  ew_b_rowmajor src = {g->b, g->N, g->N, 0};
  ew_gemm_problem p = {g->M, g->N, g->K, g->ap, ew_get_b_rowmajor, &src, g->c, g->N, NULL, NULL};
  ew_sgemm(&ew_gemm_ops_neon, &p, NULL, g->scratch);
}

#ifdef EW_HAVE_OPENBLAS
static void run_openblas(void *v) {
  gemm_ctx *g = v;
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)g->M, (int)g->N, (int)g->K, 1.0f,
              g->a, (int)g->K, g->b, (int)g->N, 0.0f, g->c, (int)g->N);
}
#endif

static void gemm_line(const char *label, size_t M, size_t N, size_t K) {
  gemm_ctx g = {M, N, K, rnd(M * K), NULL, rnd(K * N), malloc(M * N * 4),
                malloc(ew_sgemm_scratch_floats() * 4)};
  g.ap = malloc(ew_pack_a_floats(M, K) * 4);
  ew_pack_a_f32(M, K, g.a, K, g.ap);
  double flop = 2.0 * M * N * K;
  printf("%-18s M=%4zu N=%5zu K=%5zu  ours %6.1f GFLOPS", label, M, N, K,
         flop / best_time(run_ours, &g) * 1e-9);
#ifdef EW_HAVE_OPENBLAS
  printf("   openblas %6.1f GFLOPS", flop / best_time(run_openblas, &g) * 1e-9);
#endif
  printf("\n");
  free(g.a); free(g.ap); free(g.b); free(g.c); free(g.scratch);
}

typedef struct conv_ctx { const ew_conv_algo *al; ew_conv_args a; } conv_ctx;
static void run_conv(void *v) {
  conv_ctx *c = v;
  c->al->run(&c->a);
}

static double time_algo(const ew_conv_algo *al, ew_conv_shape *s, const float *x, const float *w,
                        float *y) {
  size_t pf = al->packed_floats(s);
  float *packed = pf ? malloc(pf * 4) : NULL;
  if (pf) al->pack(s, w, packed);
  float *ws = malloc((al->workspace_floats(s, 1) + 1) * 4);
  conv_ctx c = {al, {s, x, pf ? packed : w, NULL, NULL, y, ws, NULL, &ew_gemm_ops_neon}};
  double t = best_time(run_conv, &c);
  free(packed);
  free(ws);
  return t;
}

static void conv_layers(void) {
  FILE *f = fopen(EW_BENCH_MODELS "/resnet18_conv.txt", "r");
  if (!f) { printf("cannot open %s\n", EW_BENCH_MODELS "/resnet18_conv.txt"); return; }
  char line[256], name[64];
  double sum_im2col = 0, sum_f43 = 0;
  printf("\nResNet-18 conv layers (1 thread): im2col+SGEMM GFLOPS; Winograd speed-up over it\n");
  while (fgets(line, sizeof(line), f)) {
    int c, h, w, m, k, st, p, count;
    if (line[0] == '#' || sscanf(line, "%63s %d %d %d %d %d %d %d %d", name, &c, &h, &w, &m, &k, &st, &p, &count) != 9) continue;
    ew_conv_shape s = {1, c, h, w, m, k, k, st, st, 1, 1, p, p, p, p, 1, 0, 0};
    ew_conv_shape_finish(&s);
    float *x = rnd((size_t)c * h * w), *wt = rnd((size_t)m * c * k * k);
    float *y = malloc((size_t)m * s.oh * s.ow * 4);
    double flop = 2.0 * m * c * k * k * s.oh * s.ow;
    double t_im = time_algo(&ew_algo_conv_im2col_sgemm_f32, &s, x, wt, y);
    printf("%-16s %3dx%3dx%3d -> %3d k%d s%d  im2col %6.1f GFLOPS", name, c, h, w, m, k, st, flop / t_im * 1e-9);
    if (k == 3 && st == 1) {
      double t43 = time_algo(&ew_algo_conv3x3s1_winograd_f43_f32, &s, x, wt, y);
      double t23 = time_algo(&ew_algo_conv3x3s1_winograd_f23_f32, &s, x, wt, y);
      printf("  F43 x%.2f (%5.1f eff. GFLOPS)  F23 x%.2f", t_im / t43, flop / t43 * 1e-9, t_im / t23);
      sum_im2col += t_im * count;
      sum_f43 += t43 * count;
    }
    if (k == 1) {
      double t11 = st == 1 ? time_algo(&ew_algo_conv1x1_sgemm_f32, &s, x, wt, y) : 0;
      if (t11 > 0) printf("  1x1-GEMM x%.2f", t_im / t11);
    }
#ifdef EW_HAVE_OPENBLAS
    {
      size_t N = (size_t)s.oh * s.ow, K = (size_t)c * k * k;
      gemm_ctx g = {(size_t)m, N, K, rnd((size_t)m * K), NULL, rnd(K * N), malloc((size_t)m * N * 4), NULL};
      printf("  [openblas GEMM only %5.1f GFLOPS]", flop / best_time(run_openblas, &g) * 1e-9);
      free(g.a); free(g.b); free(g.c);
    }
#endif
    printf("\n");
    free(x); free(wt); free(y);
  }
  fclose(f);
  if (sum_f43 > 0)
    printf("3x3 stride-1 layers, weighted by count: Winograd F43 is %.2fx faster than im2col+SGEMM\n",
           sum_im2col / sum_f43);
}

/* MobileNetV2 depthwise layers: memory-bound, so GFLOPS are low by nature; the comparison is
 * with the generic direct convolution on the same shape */
static void depthwise_layers(void) {
  static const int L[][4] = {{32, 112, 1, 0}, {96, 112, 2, 0}, {144, 56, 1, 0}, {192, 28, 1, 0},
                             {576, 14, 1, 0}, {960, 7, 1, 0}};
  printf("\nMobileNetV2 depthwise 3x3 layers (1 thread):\n");
  for (size_t i = 0; i < sizeof(L) / sizeof(L[0]); i++) {
    int c = L[i][0], h = L[i][1], st = L[i][2];
    ew_conv_shape s = {1, c, h, h, c, 3, 3, st, st, 1, 1, 1, 1, 1, 1, c, 0, 0};
    ew_conv_shape_finish(&s);
    float *x = rnd((size_t)c * h * h), *w = rnd((size_t)c * 9), *y = malloc((size_t)c * s.oh * s.ow * 4);
    const ew_conv_algo *dw = st == 1 ? &ew_algo_convdw3x3s1_f32 : &ew_algo_convdw3x3s2_f32;
    double t = time_algo(dw, &s, x, w, y), td = time_algo(&ew_algo_conv_direct_f32_scalar, &s, x, w, y);
    printf("dw %4d x %3dx%3d s%d  %6.2f GFLOPS  x%.1f vs direct conv\n", c, h, h, st,
           18.0 * c * s.oh * s.ow / t * 1e-9, td / t);
    free(x); free(w); free(y);
  }
}

typedef struct mt_ctx { gemm_ctx g; ew_pool *pool; } mt_ctx;
static void run_ours_mt(void *v) {
  mt_ctx *m = v;
  ew_b_rowmajor src = {m->g.b, m->g.N, m->g.N, 0};
  ew_gemm_problem p = {m->g.M, m->g.N, m->g.K, m->g.ap, ew_get_b_rowmajor, &src, m->g.c, m->g.N,
                       NULL, NULL};
  ew_sgemm(&ew_gemm_ops_neon, &p, m->pool, m->g.scratch);
}

/* thread scaling, to see the pool work (the per-layer numbers above are 1 thread) */
static void threads_line(void) {
  int n = (int)sysconf(_SC_NPROCESSORS_ONLN);
  if (n < 2) return;
  size_t N = 1024;
  mt_ctx m = {{N, N, N, rnd(N * N), malloc(ew_pack_a_floats(N, N) * 4), rnd(N * N),
               malloc(N * N * 4), malloc((size_t)n * ew_sgemm_scratch_floats() * 4)},
              ew_pool_create(n, NULL, 0)};
  ew_pack_a_f32(N, N, m.g.a, N, m.g.ap);
  printf("\nsquare 1024 with %d threads: ours %.1f GFLOPS\n", n,
         2.0 * N * N * N / best_time(run_ours_mt, &m) * 1e-9);
  ew_pool_destroy(m.pool);
  free(m.g.a); free(m.g.ap); free(m.g.b); free(m.g.c); free(m.g.scratch);
}

int main(void) {
#ifdef EW_HAVE_OPENBLAS
  openblas_set_num_threads(1);
  /* a VM with a generic CPU model makes OpenBLAS fall back to SSE3 (Prescott) kernels;
   * OPENBLAS_CORETYPE=SkylakeX (or Haswell) gives the real full-width figure */
  printf("OpenBLAS core: %s (1 thread)\n", openblas_get_corename());
#endif
  printf("edgewise bench: runtime %s on %s, 1 thread, best of >= 3 runs after warm-up\n",
         EW_RT_VERSION, ew_cpu_description());
  printf("128-bit NEON semantics (SIMDe on x86); OpenBLAS uses the host's full vector width\n\n");
  gemm_line("square 256", 256, 256, 256);
  gemm_line("square 512", 512, 512, 512);
  gemm_line("square 1024", 1024, 1024, 1024);
  printf("\nResNet-18 conv layers as GEMM (M=out ch, N=pixels, K=C*k*k):\n");
  gemm_line("conv1 7x7/2", 64, 12544, 147);
  gemm_line("layer1 3x3", 64, 3136, 576);
  gemm_line("layer2 3x3", 128, 784, 1152);
  gemm_line("layer3 3x3", 256, 196, 2304);
  gemm_line("layer4 3x3", 512, 49, 4608);
  conv_layers();
  depthwise_layers();
  threads_line();
  return 0;
}
