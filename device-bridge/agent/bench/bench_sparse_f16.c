/* Sparse CSR vs dense on the same FC and 1x1 layers (bench/models/sparse_layers.txt), over a
 * sweep of zero fractions, and fp16 vs fp32 weight storage (plan size, ew_model_load time).
 * Host build, 1 thread; each time is the best of repeated runs after a warm-up (clock:
 * CLOCK_MONOTONIC). Host figures only: ARM figures need a real device. Never run under qemu. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "edgewise/rt.h"
#include "bench_timing.h"
#include "kernels.h"
#include "sparse.h"
#include "f16.h"
#include "plan_builder.h"

static double best_time(bench_fn f, void *ctx) {
  return bench_best_time(f, ctx, 5, 0.25, 500);
}

static uint64_t rng = 88172645463325252ull;
static float urand(void) {
  rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
  return (float)(rng >> 40) / 16777216.0f;
}

typedef struct layer {
  int conv;
  size_t in, out, hw;
  float *w, *x, *y, *bias, *packed, *ws;
  ew_csr csr;
  uint32_t *rp, *col;
  float *val;
} layer;

static void run_dense(void *v) {
  layer *l = v;
  if (!l->conv) {
    ew_fc_f32(&ew_gemm_ops_neon, 1, l->out, l->in, l->x, l->packed, l->bias, NULL, l->y, l->ws, NULL);
    return;
  }
  ew_conv_shape s = {1, (int)l->in, 1, (int)l->hw, (int)l->out, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 0, 0};
  ew_conv_shape_finish(&s);
  ew_conv_args a = {&s, l->x, l->packed, l->bias, NULL, l->y, l->ws, NULL, &ew_gemm_ops_neon};
  ew_algo_conv1x1_sgemm_f32.run(&a);
}

static void run_sparse(void *v) {
  layer *l = v;
  if (!l->conv)
    ew_fc_csr_f32(&ew_sparse_ops_neon, &l->csr, 1, l->x, l->bias, NULL, l->y, NULL);
  else
    ew_conv1x1_csr_f32(&ew_sparse_ops_neon, &l->csr, 1, l->hw, l->x, l->bias, NULL, l->y, NULL);
}

static void make_csr(layer *l, double zeros) {
  for (size_t i = 0; i < l->in * l->out; i++) {
    float v = urand() - 0.5f;
    l->w[i] = urand() < zeros ? 0.0f : v;
  }
  size_t nnz = ew_csr_count(l->out, l->in, l->w);
  free(l->rp); free(l->col); free(l->val);
  l->rp = malloc((l->out + 1) * 4);
  l->col = malloc((nnz + 1) * 4);
  l->val = malloc((nnz + 1) * 4);
  ew_csr_from_dense(l->out, l->in, l->w, l->rp, l->col, l->val);
  l->csr = (ew_csr){l->out, l->in, nnz, l->rp, l->col, l->val};
}

static const double sweep[] = {0.3, 0.4, 0.5, 0.6, 0.67, 0.7, 0.8, 0.9, 0.95};
#define NSWEEP (sizeof(sweep) / sizeof(sweep[0]))

static void bench_layer(const char *kind, const char *name, size_t in, size_t out, size_t hw) {
  layer l = {0};
  l.conv = !strcmp(kind, "conv1x1");
  l.in = in; l.out = out; l.hw = l.conv ? hw : 1;
  l.w = malloc(in * out * 4);
  l.x = malloc(in * l.hw * 4);
  l.y = malloc(out * l.hw * 4);
  l.bias = malloc(out * 4);
  for (size_t i = 0; i < in * l.hw; i++) l.x[i] = urand();
  for (size_t i = 0; i < out; i++) l.bias[i] = urand();
  l.packed = malloc(ew_pack_a_floats(out, in) * 4);
  l.ws = malloc(ew_sgemm_scratch_floats() * 4 + 64);
  /* dense time does not depend on the zeros (no data-dependent work) */
  for (size_t i = 0; i < in * out; i++) l.w[i] = urand() - 0.5f;
  ew_pack_a_f32(out, in, l.w, in, l.packed);
  double dense = best_time(run_dense, &l);
  printf("%-8s %-28s %5zu -> %-5zu %4zu px  dense %8.3f ms |", kind, name, in, out, l.hw, 1e3 * dense);
  double prev_ratio = 0, prev_s = 0, even = -1;
  for (size_t k = 0; k < NSWEEP; k++) {
    make_csr(&l, sweep[k]);
    double ratio = dense / best_time(run_sparse, &l);
    printf(" %4.2f", ratio);
    if (even < 0 && ratio >= 1.0)
      even = k == 0 ? sweep[0] : prev_s + (1.0 - prev_ratio) / (ratio - prev_ratio) * (sweep[k] - prev_s);
    prev_ratio = ratio;
    prev_s = sweep[k];
  }
  if (even < 0) printf(" | break-even > %.0f%%\n", 100 * sweep[NSWEEP - 1]);
  else printf(" | break-even %.0f%%\n", 100 * even);
  free(l.w); free(l.x); free(l.y); free(l.bias); free(l.packed); free(l.ws);
  free(l.rp); free(l.col); free(l.val);
}

/* plan with vgg16.fc7 (4096 x 4096) and mobilenetv2.conv_last (320 -> 1280 1x1 on 7x7) */
static uint8_t *big_plan(int f16, size_t *len) {
  pbld *b = pbld_new();
  uint32_t xd[4] = {1, 320, 7, 7}, cd[4] = {1, 1280, 7, 7}, fd[2] = {1, 4096};
  uint32_t tx = pbld_tensor(b, "x", 4, xd), tc = pbld_tensor(b, "conv", 4, cd);
  uint32_t tv = pbld_tensor(b, "v", 2, fd), tf = pbld_tensor(b, "fc", 2, fd);
  Edgewise__Plan__Op *conv = pbld_op(b, EDGEWISE__PLAN__KERNEL_ID__CONV1X1_SGEMM, "conv", 1, &tx, 1, &tc);
  pbld_conv(b, conv, 1, 1, 1, 1, 0, 1, 1280);
  Edgewise__Plan__Op *fc = pbld_op(b, EDGEWISE__PLAN__KERNEL_ID__GEMM, "fc", 1, &tv, 1, &tf);
  size_t n[2] = {1280 * 320, (size_t)4096 * 4096};
  int layout[2] = {EDGEWISE__PLAN__LAYOUT__LAYOUT_OIHW, EDGEWISE__PLAN__LAYOUT__LAYOUT_OI};
  Edgewise__Plan__Op *ops[2] = {conv, fc};
  for (int i = 0; i < 2; i++) {
    float *w = malloc(n[i] * 4);
    for (size_t k = 0; k < n[i]; k++) w[k] = urand() - 0.5f;
    uint32_t wb;
    if (f16) {
      ew_f16 *h = malloc(n[i] * 2);
      ew_f32_narrow_f16_neon(w, h, n[i]);
      wb = pbld_blob_raw(b, h, n[i] * 2, layout[i], EDGEWISE__PLAN__DATA_TYPE__DT_F16);
      free(h);
    } else {
      wb = pbld_blob(b, w, n[i], layout[i]);
    }
    free(w);
    pbld_weights(b, ops[i], wb, 0, 0);
  }
  pbld_io(b, tx, tc);
  pbld_io(b, tv, tf);
  uint8_t *p = pbld_pack(b, len);
  pbld_free(b);
  return p;
}

typedef struct load_ctx { const uint8_t *p; size_t len; } load_ctx;
static void load_once(void *v) {
  load_ctx *c = v;
  ew_model *m = NULL;
  ew_error err;
  if (ew_model_load(c->p, c->len, &m, &err)) { fprintf(stderr, "load: %s\n", err.message); exit(1); }
  ew_model_free(m);
}

int main(int argc, char **argv) {
  const char *path = argc > 1 ? argv[1] : EW_BENCH_MODELS "/sparse_layers.txt";
  FILE *f = fopen(path, "r");
  if (!f) { fprintf(stderr, "cannot open %s\n", path); return 1; }
  printf("# %s, 1 thread; sparse speed-up = dense time / CSR time (>1: CSR faster), unstructured "
         "random zeros\n# zeros:%*s", ew_cpu_description(), 62, "");
  for (size_t k = 0; k < NSWEEP; k++) printf(" %3.0f%%", 100 * sweep[k]);
  printf("\n");
  char line[256];
  while (fgets(line, sizeof(line), f)) {
    char kind[32], name[64];
    size_t in, out, h, w;
    if (line[0] == '#' || sscanf(line, "%31s %63s %zu %zu %zu %zu", kind, name, &in, &out, &h, &w) != 6) continue;
    bench_layer(kind, name, in, out, h * w);
  }
  fclose(f);
  size_t l32, l16;
  uint8_t *p32 = big_plan(0, &l32), *p16 = big_plan(1, &l16);
  load_ctx c32 = {p32, l32}, c16 = {p16, l16};
  double t32 = best_time(load_once, &c32), t16 = best_time(load_once, &c16);
  size_t wfloats = 1280 * 320 + (size_t)4096 * 4096;
  printf("\nfp16 weight storage (vgg16.fc7 4096->4096 + mobilenetv2.conv_last 320->1280):\n");
  printf("  plan size   fp32 %.1f MiB, fp16 %.1f MiB (%.2fx smaller)\n", l32 / 1048576.0, l16 / 1048576.0,
         (double)l32 / (double)l16);
  printf("  load time   fp32 %.1f ms, fp16 %.1f ms (fp16/fp32 %.2f; decode + widen + pack, best of runs)\n",
         1e3 * t32, 1e3 * t16, t16 / t32);
  printf("  weights held after load (counted): fp32 %.1f MiB (blob + packed), fp16 %.1f MiB\n",
         (double)wfloats * 8 / 1048576.0, (double)wfloats * 6 / 1048576.0);
  free(p32);
  free(p16);
  return 0;
}
