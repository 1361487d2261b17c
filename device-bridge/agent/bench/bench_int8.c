/* int8 vs fp32 on the same layers, one run, host build, 1 thread: GEMM shapes (squares and
 * ResNet-18 convolutions as GEMM) and ResNet-18 conv layers through im2col / 1x1. int8 figures
 * include B packing and the requantizing epilogue (fp32 output), as a plan runs them.
 * On x86 the NEON intrinsics go through SIMDe, whose int8 widening and dot-product emulation
 * says nothing about an ARM core: the ratios here are host figures; ARM needs a real device.
 * Never run under qemu. */
#define _POSIX_C_SOURCE 200809L
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "edgewise/rt.h"
#include "bench_timing.h"
#include "kernels.h"
#include "kernels_s8.h"

static double best_time(bench_fn f, void *ctx) {
  return bench_best_time(f, ctx, 3, 0.2, 200);
}

static float *rnd(size_t n) {
  float *p = malloc(n * sizeof(float));
  for (size_t i = 0; i < n; i++) p[i] = (float)((i * 2654435761u) % 1000) / 1000.0f - 0.5f;
  return p;
}

static uint8_t *rnd8(size_t n) {
  uint8_t *p = malloc(n);
  for (size_t i = 0; i < n; i++) p[i] = (uint8_t)((i * 2654435761u) >> 7);
  return p;
}

/* per-channel requantization rows for an fp32 output */
typedef struct qrows_owned { int32_t *corr; float *mult, *add; ew_qrows q; } qrows_owned;
static void qrows_make(qrows_owned *r, size_t M) {
  r->corr = calloc(M, 4);
  r->mult = malloc(M * 4);
  r->add = calloc(M, 4);
  for (size_t i = 0; i < M; i++) r->mult[i] = 1e-4f;
  r->q = (ew_qrows){r->corr, r->mult, r->add, EW_QT_F32, 0, -FLT_MAX, FLT_MAX};
}
static void qrows_free(qrows_owned *r) { free(r->corr); free(r->mult); free(r->add); }

typedef struct gemm_ctx {
  size_t M, N, K;
  float *a, *ap, *b, *c, *scratch;
  int8_t *qa, *qscratch;
  uint8_t *qb;
  int safe;
  qrows_owned rows;
  const ew_qgemm_ops *qops;
} gemm_ctx;

static void run_f32(void *v) {
  gemm_ctx *g = v;
  ew_b_rowmajor src = {g->b, g->N, g->N, 0};
  ew_gemm_problem p = {g->M, g->N, g->K, g->ap, ew_get_b_rowmajor, &src, g->c, g->N, NULL, NULL};
  ew_sgemm(&ew_gemm_ops_neon, &p, NULL, g->scratch);
}

static void run_s8(void *v) {
  gemm_ctx *g = v;
  ew_qb_matrix src = {g->qb, g->N, g->N, 0, 0x80};
  ew_qgemm_problem p = {g->M, g->N, g->K, g->qa, g->safe, ew_qpack_b_matrix, &src, &g->rows.q, g->c, g->N, 1};
  ew_qgemm(g->qops, &p, NULL, g->qscratch);
}

static void gemm_line(const char *label, size_t M, size_t N, size_t K) {
  gemm_ctx g = {M, N, K, rnd(M * K), NULL, rnd(K * N), malloc(M * N * 4),
                malloc(ew_sgemm_scratch_floats() * 4), NULL, NULL, rnd8(K * N), 0, {0}, NULL};
  g.ap = malloc(ew_pack_a_floats(M, K) * 4);
  ew_pack_a_f32(M, K, g.a, K, g.ap);
  int8_t *w8 = (int8_t *)rnd8(M * K);
  int32_t *rowsum = malloc(M * 4);
  for (size_t i = 0; i < M * K; i++) if (w8[i] == -128) w8[i] = -127; /* symmetric weights */
  g.qa = malloc(ew_qpack_a_bytes(M, K));
  g.safe = ew_qpack_a_s8(M, K, w8, K, g.qa, rowsum);
  g.qscratch = malloc(ew_qgemm_scratch_bytes(K));
  qrows_make(&g.rows, M);
  double ops = 2.0 * M * N * K;
  double tf = best_time(run_f32, &g);
  g.qops = &ew_qgemm_ops_neon;
  double tw = best_time(run_s8, &g);
  g.qops = &ew_qgemm_ops_sdot;
  double td = best_time(run_s8, &g);
  printf("%-14s M=%4zu N=%5zu K=%5zu  fp32 %6.1f GFLOPS  int8 widening %6.1f GOPS (x%.2f)  "
         "int8 SDOT(SIMDe) %6.1f GOPS (x%.2f)\n", label, M, N, K, ops / tf * 1e-9, ops / tw * 1e-9,
         tf / tw, ops / td * 1e-9, tf / td);
  free(g.a); free(g.ap); free(g.b); free(g.c); free(g.scratch); free(g.qa); free(g.qscratch);
  free(g.qb); free(w8); free(rowsum); qrows_free(&g.rows);
}

typedef struct conv_ctx {
  const ew_conv_algo *al;
  ew_conv_args a;
  ew_qconv_args q;
  int one_by_one;
} conv_ctx;

static void run_conv_f32(void *v) { conv_ctx *c = v; c->al->run(&c->a); }
static void run_conv_s8(void *v) {
  conv_ctx *c = v;
  (c->one_by_one ? ew_qconv_1x1 : ew_qconv_im2col)(&c->q);
}

static void conv_line(const char *name, ew_conv_shape *s, double *sum_f, double *sum_q, int count) {
  size_t K = (size_t)s->c * s->kh * s->kw, M = (size_t)s->m, OHW = (size_t)s->oh * s->ow;
  float *x = rnd((size_t)s->c * s->h * s->w), *w = rnd(M * K), *y = malloc(M * OHW * 4);
  int one = s->kh == 1 && s->kw == 1 && s->sh == 1 && s->pt == 0;
  const ew_conv_algo *al = one ? &ew_algo_conv1x1_sgemm_f32 : &ew_algo_conv_im2col_sgemm_f32;
  float *packed = malloc(al->packed_floats(s) * 4);
  al->pack(s, w, packed);
  float *ws = malloc((al->workspace_floats(s, 1) + 1) * 4);
  uint8_t *x8 = rnd8((size_t)s->c * s->h * s->w);
  int8_t *w8 = (int8_t *)rnd8(M * K), *wq = malloc(ew_qpack_a_bytes(M, K));
  int32_t *rowsum = malloc(M * 4);
  for (size_t i = 0; i < M * K; i++) if (w8[i] == -128) w8[i] = -127;
  int safe = ew_qpack_a_s8(M, K, w8, K, wq, rowsum);
  qrows_owned rows;
  qrows_make(&rows, M);
  int8_t *qws = malloc(ew_qgemm_scratch_bytes(K));
  conv_ctx c = {al, {s, x, packed, NULL, NULL, y, ws, NULL, &ew_gemm_ops_neon},
                {s, x8, 0x80, 128, wq, safe, &rows.q, y, qws, NULL, &ew_qgemm_ops_neon}, one};
  double flop = 2.0 * M * K * OHW;
  double tf = best_time(run_conv_f32, &c), tq = best_time(run_conv_s8, &c);
  printf("%-14s %3dx%3dx%3d -> %3d k%d s%d  fp32 %s %6.1f GFLOPS  int8 widening %6.1f GOPS  x%.2f\n",
         name, s->c, s->h, s->w, s->m, s->kh, s->sh, one ? "1x1   " : "im2col", flop / tf * 1e-9,
         flop / tq * 1e-9, tf / tq);
  *sum_f += tf * count;
  *sum_q += tq * count;
  free(x); free(w); free(y); free(packed); free(ws); free(x8); free(w8); free(wq); free(rowsum);
  free(qws); qrows_free(&rows);
}

static void conv_layers(void) {
  FILE *f = fopen(EW_BENCH_MODELS "/resnet18_conv.txt", "r");
  if (!f) { printf("cannot open %s\n", EW_BENCH_MODELS "/resnet18_conv.txt"); return; }
  char line[256], name[64];
  double sum_f = 0, sum_q = 0;
  printf("\nResNet-18 conv layers, 1 thread, same shapes in fp32 and int8 (fp32 output):\n");
  while (fgets(line, sizeof(line), f)) {
    int c, h, w, m, k, st, p, count;
    if (line[0] == '#' || sscanf(line, "%63s %d %d %d %d %d %d %d %d", name, &c, &h, &w, &m, &k, &st, &p, &count) != 9) continue;
    ew_conv_shape s = {1, c, h, w, m, k, k, st, st, 1, 1, p, p, p, p, 1, 0, 0};
    ew_conv_shape_finish(&s);
    conv_line(name, &s, &sum_f, &sum_q, count);
  }
  fclose(f);
  if (sum_q > 0)
    printf("all layers weighted by count: int8 (widening) takes x%.2f the fp32 time "
           "(fp32 im2col/1x1, no Winograd)\n", sum_q / sum_f);
}

int main(void) {
  printf("edgewise int8 bench: runtime %s on %s, 1 thread, best of >= 3 runs after warm-up\n",
         EW_RT_VERSION, ew_cpu_description());
  printf("ratios are fp32 time / int8 time in this one run (> 1: int8 faster); host x86 through "
         "SIMDe, not ARM figures\n\n");
  gemm_line("square 256", 256, 256, 256);
  gemm_line("square 512", 512, 512, 512);
  gemm_line("square 1024", 1024, 1024, 1024);
  gemm_line("conv1 7x7/2", 64, 12544, 147);
  gemm_line("layer1 3x3", 64, 3136, 576);
  gemm_line("layer2 3x3", 128, 784, 1152);
  gemm_line("layer3 3x3", 256, 196, 2304);
  gemm_line("layer4 3x3", 512, 49, 4608);
  gemm_line("fc 1000x512", 1000, 1, 512);
  conv_layers();
  return 0;
}
