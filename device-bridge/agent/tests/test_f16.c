/* fp16: conversions (all 65536 halves, ties, overflow, subnormals; NEON vs scalar), the
 * fp16-arithmetic GEMM/GEMV at tile edges (scalar twin vs an fp64 reference within the bound
 * documented in plan-format.md; the FMLA .8h kernels vs the twin where the CPU has them), the
 * run-time choice (taken only with fphp + asimdhp: ctest runs this under qemu -cpu max and
 * cortex-a53), and plans with fp16 weight storage (== the fp32 plan of the widened weights). */
#include <string.h>
#include "kernels.h"
#include "f16.h"
#include "threadpool.h"
#include "plan_builder.h"
#include "edgewise/rt.h"
#include "testutil.h"

/* worst-case relative error (to sum |products|) of fp16 arithmetic: inputs rounded (2u), then
 * up to EW_F16_CHUNK fp16 additions (chunk u each), then fp32 sums (negligible); u = 2^-11 */
#define F16_BOUND ((2.0 + EW_F16_CHUNK + 1.0) * 0x1p-11)

static void conversions(void) {
  int bad_round = 0, bad_neon = 0;
  ew_f16 *all = malloc(65536 * 2), *back = malloc(65536 * 2), *back_n = malloc(65536 * 2);
  float *f = malloc(65536 * 4), *fn = malloc(65536 * 4);
  for (uint32_t i = 0; i < 65536; i++) all[i] = (ew_f16)i;
  ew_f16_widen_f32_scalar(all, f, 65536);
  ew_f16_widen_f32_neon(all, fn, 65536);
  for (uint32_t i = 0; i < 65536; i++) /* NaNs: both NaN (SIMDe may keep a signalling one) */
    bad_neon += isnan(f[i]) ? !isnan(fn[i]) : memcmp(f + i, fn + i, 4) != 0;
  ew_f32_narrow_f16_scalar(f, back, 65536);
  ew_f32_narrow_f16_neon(f, back_n, 65536);
  for (uint32_t i = 0; i < 65536; i++) {
    int nan = (i & 0x7C00) == 0x7C00 && (i & 0x3FF);
    if (!nan && back[i] != i) bad_round++;           /* exact values round-trip */
    if (nan && (back[i] & 0x7E00) != 0x7E00) bad_round++; /* NaN stays a (quiet) NaN */
    if (!nan && back_n[i] != back[i]) bad_neon++;
  }
  TU_CHECK(bad_neon == 0 && bad_round == 0, "widen/round trip: %d NEON mismatches, %d bad", bad_neon,
           bad_round);
  /* midpoints between neighbouring finite halves (exact in fp32): ties go to the even one,
   * a hair above/below to the nearer; NEON (FCVTN, or SIMDe on the host) agrees */
  int bad_tie = 0;
  for (uint32_t i = 0; i < 0x7BFF; i++) {
    float lo = ew_f16_to_f32_scalar((ew_f16)i), hi = ew_f16_to_f32_scalar((ew_f16)(i + 1));
    float mid = lo + (hi - lo) * 0.5f, v[3] = {mid, nextafterf(mid, 0), nextafterf(mid, INFINITY)};
    ew_f16 want[3] = {(ew_f16)((i & 1) ? i + 1 : i), (ew_f16)i, (ew_f16)(i + 1)}, gs[3], gn[3];
    ew_f32_narrow_f16_scalar(v, gs, 3);
    for (int k = 0; k < 3; k++) gn[k] = ew_f32_to_f16_scalar(v[k]);
    ew_f32_narrow_f16_neon(v, gn, 3); /* tail path */
    float v8[8] = {v[0], v[1], v[2], -v[0], -v[1], -v[2], v[0], v[1]};
    ew_f16 g8[8];
    ew_f32_narrow_f16_neon(v8, g8, 8); /* vector path */
    for (int k = 0; k < 3; k++)
      bad_tie += gs[k] != want[k] || gn[k] != want[k] || g8[k] != want[k] ||
                 g8[k + 3] != (ew_f16)(want[k] | 0x8000);
  }
  TU_CHECK(bad_tie == 0, "%d wrongly rounded midpoints", bad_tie);
  float special[6] = {65519.0f, 65520.0f, 1e10f, 0x1p-25f, 0x1.000002p-25f, -0.0f};
  ew_f16 want[6] = {0x7BFF, 0x7C00, 0x7C00, 0x0000, 0x0001, 0x8000}, got[6];
  ew_f32_narrow_f16_scalar(special, got, 6);
  for (int k = 0; k < 6; k++) TU_CHECK(got[k] == want[k], "narrow(%g) = 0x%04x, want 0x%04x",
                                       (double)special[k], got[k], want[k]);
  free(all); free(back); free(back_n); free(f); free(fn);
}

static double worst_ratio;

/* scalar twin vs fp64 over the fp16-rounded inputs' exact products; NEON vs the twin */
static void hgemm_case(const ew_hgemm_ops *neon, size_t M, size_t N, size_t K, ew_pool *pool,
                       const ew_act *act) {
  float *a = tu_rand(M * K, -1, 1), *b = tu_rand(K * N, -1, 1), *bias = tu_rand(M, -1, 1);
  ew_f16 *a16 = malloc(ew_pack_a_floats(M, K) * 2 + 2);
  ew_pack_a_f16(M, K, a, K, a16);
  float *ref = malloc(M * N * 4), *scale = malloc(M * N * 4), *c = malloc(M * N * 4);
  float *c2 = malloc(M * N * 4);
  float *scratch = malloc((size_t)ew_pool_threads(pool) * ew_hgemm_scratch_floats() * 4);
  for (size_t i = 0; i < M; i++)
    for (size_t j = 0; j < N; j++) {
      double acc = bias[i], s = fabs(bias[i]);
      for (size_t k = 0; k < K; k++) {
        acc += (double)a[i * K + k] * b[k * N + j];
        s += fabs((double)a[i * K + k] * b[k * N + j]);
      }
      ref[i * N + j] = (float)acc;
      scale[i * N + j] = (float)s;
    }
  for (size_t i = 0; act && i < M; i++) ew_act_f32_scalar(act, ref + i * N, N);
  ew_b_rowmajor src = {b, N, N, 0};
  ew_gemm_problem p = {M, N, K, NULL, ew_get_b_rowmajor, &src, c, N, bias, act};
  ew_hgemm(&ew_hgemm_ops_scalar, &p, a16, pool, scratch);
  char what[128];
  snprintf(what, sizeof(what), "hgemm scalar M=%zu N=%zu K=%zu", M, N, K);
  tu_close(what, c, ref, scale, M * N, (float)F16_BOUND, 1e-6f);
  for (size_t i = 0; i < M * N; i++) {
    double r = fabs((double)c[i] - ref[i]) / (scale[i] + 1e-30);
    if (r > worst_ratio) worst_ratio = r;
  }
  if (neon) {
    p.c = c2;
    ew_hgemm(neon, &p, a16, pool, scratch);
    snprintf(what, sizeof(what), "hgemm FMLA .8h vs scalar twin M=%zu N=%zu K=%zu", M, N, K);
    /* the twin's double rounding may move a chunk's partial by one fp16 ulp */
    tu_close(what, c2, c, scale, M * N, 2 * 0x1p-11f, 1e-6f);
  }
  /* GEMV over the same panels */
  float *x = tu_rand(K, -1, 1), *y = malloc(M * 4), *y2 = malloc(M * 4), *yr = malloc(M * 4);
  float *ys = malloc(M * 4);
  ew_f16 *x16 = malloc(K * 2);
  ew_f32_narrow_f16_scalar(x, x16, K);
  for (size_t i = 0; i < M; i++) {
    double acc = bias[i], s = fabs(bias[i]);
    for (size_t k = 0; k < K; k++) {
      acc += (double)a[i * K + k] * x[k];
      s += fabs((double)a[i * K + k] * x[k]);
    }
    yr[i] = (float)acc;
    ys[i] = (float)s;
  }
  ew_hgemm_ops_scalar.gemv(0, (M + 7) / 8, M, K, a16, x16, bias, y);
  snprintf(what, sizeof(what), "hgemv scalar M=%zu K=%zu", M, K);
  tu_close(what, y, yr, ys, M, (float)F16_BOUND, 1e-6f);
  if (neon) {
    neon->gemv(0, (M + 7) / 8, M, K, a16, x16, bias, y2);
    snprintf(what, sizeof(what), "hgemv FMLA .8h vs twin M=%zu K=%zu", M, K);
    tu_close(what, y2, y, ys, M, 2 * 0x1p-11f, 1e-6f);
  }
  free(a); free(b); free(bias); free(a16); free(ref); free(scale); free(c); free(c2);
  free(scratch); free(x); free(y); free(y2); free(yr); free(ys); free(x16);
}

/* input [1,5,6,7] -> im2col 3x3 conv (8) -> 1x1 conv (12) -> gemm (10); weights fp32 or fp16 */
static uint8_t *plan(int f16_store, int allow, const float *w1, const float *w2, const float *wf,
                     const float *bias, size_t *len) {
  pbld *b = pbld_new();
  uint32_t xd[4] = {1, 5, 6, 7}, d1[4] = {1, 8, 6, 7}, d2[4] = {1, 12, 6, 7}, df[2] = {1, 10};
  uint32_t tx = pbld_tensor(b, "x", 4, xd), t1 = pbld_tensor(b, "c1", 4, d1);
  uint32_t t2 = pbld_tensor(b, "c2", 4, d2), tf = pbld_tensor(b, "fc", 2, df);
  Edgewise__Plan__Op *c1 = pbld_op(b, EDGEWISE__PLAN__KERNEL_ID__CONV_IM2COL_SGEMM, "c1", 1, &tx, 1, &t1);
  pbld_conv(b, c1, 3, 3, 1, 1, 1, 1, 8);
  Edgewise__Plan__Op *c2 = pbld_op(b, EDGEWISE__PLAN__KERNEL_ID__CONV1X1_SGEMM, "c2", 1, &t1, 1, &t2);
  pbld_conv(b, c2, 1, 1, 1, 1, 0, 1, 12);
  Edgewise__Plan__Op *fc = pbld_op(b, EDGEWISE__PLAN__KERNEL_ID__GEMM, "fc", 1, &t2, 1, &tf);
  Edgewise__Plan__Op *ops[3] = {c1, c2, fc};
  const float *ws[3] = {w1, w2, wf};
  size_t n[3] = {8 * 5 * 9, 12 * 8, 10 * 12 * 42}, nb[3] = {8, 12, 10};
  int layout[3] = {EDGEWISE__PLAN__LAYOUT__LAYOUT_OIHW, EDGEWISE__PLAN__LAYOUT__LAYOUT_OIHW,
                   EDGEWISE__PLAN__LAYOUT__LAYOUT_OI};
  for (int i = 0; i < 3; i++) {
    uint32_t wb;
    if (f16_store) {
      ew_f16 *h = malloc(n[i] * 2);
      ew_f32_narrow_f16_scalar(ws[i], h, n[i]);
      wb = pbld_blob_raw(b, h, n[i] * 2, layout[i], EDGEWISE__PLAN__DATA_TYPE__DT_F16);
      free(h);
    } else {
      wb = pbld_blob(b, ws[i], n[i], layout[i]);
    }
    pbld_weights(b, ops[i], wb, 1, pbld_blob(b, bias, nb[i], EDGEWISE__PLAN__LAYOUT__LAYOUT_RAW));
    ops[i]->allow_f16_arithmetic = allow;
  }
  pbld_act(b, c1, EW_ACT_RELU, 0, 0);
  pbld_io(b, tx, tf);
  uint8_t *p = pbld_pack(b, len);
  pbld_free(b);
  return p;
}

/* runs; returns how many ops took the fp16 path (-1 on error) */
static int run(const uint8_t *p, size_t len, int mode, const float *x, float *y) {
  ew_model *m = NULL;
  ew_session *s = NULL;
  ew_error err = {0, ""};
  ew_session_options opt = {2, NULL, 0, 0, mode};
  int used = -1;
  if (ew_model_load(p, len, &m, &err) == EW_OK && ew_session_create(m, &opt, &s, &err) == EW_OK) {
    memcpy(ew_session_input(s, 0), x, 5 * 42 * 4);
    if (ew_session_run(s, NULL, &err) == EW_OK) {
      memcpy(y, ew_session_output(s, 0), 10 * 4);
      used = 0;
      for (size_t i = 0; i < ew_model_num_ops(m); i++) used += ew_session_op_f16(s, i);
    }
  }
  if (used < 0) printf("FAIL load/run: %s\n", err.message);
  ew_session_free(s);
  ew_model_free(m);
  return used;
}

static void plans(int cpu_fp16) {
  float *w1 = tu_rand(360, -0.5f, 0.5f), *w2 = tu_rand(96, -0.5f, 0.5f);
  float *wf = tu_rand(5040, -0.2f, 0.2f), *bias = tu_rand(12, -0.1f, 0.1f), *x = tu_rand(210, -1, 1);
  float w1h[360], w2h[96], *wfh = malloc(5040 * 4);
  for (int i = 0; i < 360; i++) w1h[i] = ew_f16_to_f32_scalar(ew_f32_to_f16_scalar(w1[i]));
  for (int i = 0; i < 96; i++) w2h[i] = ew_f16_to_f32_scalar(ew_f32_to_f16_scalar(w2[i]));
  for (int i = 0; i < 5040; i++) wfh[i] = ew_f16_to_f32_scalar(ew_f32_to_f16_scalar(wf[i]));
  size_t l32, l16, lw, la;
  uint8_t *p32 = plan(0, 0, w1, w2, wf, bias, &l32), *p16 = plan(1, 0, w1, w2, wf, bias, &l16);
  uint8_t *pw = plan(0, 0, w1h, w2h, wfh, bias, &lw), *pa = plan(1, 1, w1, w2, wf, bias, &la);
  float y32[10], y16[10], yw[10], ya[10], yoff[10], yon[10];
  TU_CHECK(l16 < l32 * 0.55, "fp16 storage: plan %zu bytes vs %zu", l16, l32);
  TU_CHECK(run(p32, l32, 0, x, y32) == 0, "fp32 plan used fp16 arithmetic");
  TU_CHECK(run(p16, l16, 0, x, y16) == 0, "fp16 storage alone used fp16 arithmetic");
  TU_CHECK(run(pw, lw, 0, x, yw) == 0, "fp32 plan used fp16 arithmetic");
  TU_CHECK(!memcmp(y16, yw, sizeof(y16)), "fp16 storage != fp32 plan of the widened weights");
  printf("fp16 storage: plan %zu -> %zu bytes\n", l32, l16);
  /* the run-time choice: auto follows the CPU, off never, on always */
  int want = cpu_fp16 && ew_hgemm_ops_neon() ? 3 : 0;
  int used = run(pa, la, 0, x, ya);
  TU_CHECK(used == want, "auto: %d ops in fp16 arithmetic, expected %d (CPU fp16 %d)", used, want,
           cpu_fp16);
  TU_CHECK(run(pa, la, -1, x, yoff) == 0 && !memcmp(yoff, y16, sizeof(y16)),
           "off: not the fp32 result");
  TU_CHECK(run(pa, la, 1, x, yon) == 3, "on: fp16 arithmetic not used");
  /* vs fp32: relative to max |y| (ORT-style); the layer bound compounds over three layers */
  float mx = 0;
  for (int i = 0; i < 10; i++) mx = fabsf(y32[i]) > mx ? fabsf(y32[i]) : mx;
  float sc[10];
  for (int i = 0; i < 10; i++) sc[i] = mx;
  tu_close("fp16 arithmetic plan vs fp32", yon, y32, sc, 10, 1e-2f, 0);
  double worst = 0; /* plain compare: gcc 12's aarch64 vectorizer crashes on fmax reductions */
  for (int i = 0; i < 10; i++) {
    double e = fabs((double)yon[i] - y32[i]) / mx;
    if (e > worst) worst = e;
  }
  printf("fp16 arithmetic plan: max |y16 - y32| / max |y32| = %.2e (auto path used %d ops)\n",
         worst, used);
  free(p32); free(p16); free(pw); free(pa);
  free(w1); free(w2); free(wf); free(bias); free(x); free(wfh);
}

int main(void) {
  unsigned feat = ew_cpu_features();
  int cpu_fp16 = (feat & EW_CPU_FP16) != 0;
  const ew_hgemm_ops *neon = cpu_fp16 ? ew_hgemm_ops_neon() : NULL; /* SIGILL elsewhere */
  printf("%s: fp16 arithmetic kernels %s\n", ew_cpu_description(),
         neon ? "tested (FMLA .8h)" : "not available here: scalar twin only");
  conversions();
  const size_t Ms[] = {1, 7, 8, 9, 17};
  const size_t Ns[] = {1, 4, 11, 12, 13, 25};
  const size_t Ks[] = {1, 31, 32, 33, 100, 257};
  ew_act relu = {EW_ACT_RELU, 0, 0}, sig = {EW_ACT_SIGMOID, 0, 0};
  ew_pool *pool3 = ew_pool_create(3, NULL, 0);
  tu_seed(5);
  int n = 0;
  for (size_t a = 0; a < 5; a++)
    for (size_t b = 0; b < 6; b++)
      for (size_t c = 0; c < 6; c++, n++) {
        if (!TU_BIG && Ks[c] > 100 && Ns[b] > 12) continue;
        hgemm_case(neon, Ms[a], Ns[b], Ks[c], n % 2 ? pool3 : NULL,
                   n % 3 == 0 ? NULL : (n % 3 == 1 ? &relu : &sig));
      }
  printf("fp16 GEMM (scalar twin): worst |error| / sum|products| = %.2e (bound %.2e)\n",
         worst_ratio, F16_BOUND);
  ew_pool_destroy(pool3);
  plans(cpu_fp16);
  return tu_finish("test_f16");
}
