/* int8 kernels at tile edges: GEMM (M around MR=8, N around NR=8 and the column block, K around
 * the 4-deep k blocks), convolution through im2col and 1x1, QUANTIZE / DEQUANTIZE. Every NEON
 * kernel (SDOT when this CPU has it or under SIMDe, widening multiply) must equal its scalar twin
 * bit for bit, and the scalar twin must equal a plain reference on the unpacked operands. */
#include <float.h>
#include <string.h>
#include "edgewise/rt.h"
#include "kernels.h"
#include "kernels_s8.h"
#include "threadpool.h"
#include "testutil.h"

static const ew_qgemm_ops *impls[3];
static size_t n_impls;

static void pick_impls(void) {
  impls[n_impls++] = &ew_qgemm_ops_scalar;
  impls[n_impls++] = &ew_qgemm_ops_neon;
#if defined(__aarch64__)
  if (ew_cpu_features() & EW_CPU_DOTPROD) impls[n_impls++] = &ew_qgemm_ops_sdot;
  else printf("test_qgemm: no asimddp on this CPU: SDOT kernel not run (%s)\n", ew_cpu_description());
#else
  impls[n_impls++] = &ew_qgemm_ops_sdot; /* SIMDe's vdotq_laneq_s32 */
#endif
}

typedef struct qcase {
  int32_t *corr, *bias;
  float *mult, *add;
  ew_qrows rows;
} qcase;

/* requantization rows as the runtime builds them: corr = bias - zx' * rowsum */
static void make_rows(qcase *c, size_t M, const int32_t *rowsum, int32_t zx_shifted, int out_type) {
  c->corr = malloc(M * 4); c->bias = malloc(M * 4); c->mult = malloc(M * 4); c->add = malloc(M * 4);
  for (size_t m = 0; m < M; m++) {
    c->bias[m] = (int32_t)(tu_u32() % 2001) - 1000;
    c->corr[m] = c->bias[m] - zx_shifted * rowsum[m];
    c->mult[m] = out_type == EW_QT_F32 ? tu_uniform(1e-4f, 1e-2f) : tu_uniform(1e-3f, 2e-2f);
    c->add[m] = tu_uniform(-3, 3);
  }
  c->rows = (ew_qrows){c->corr, c->mult, c->add, out_type, 0, -FLT_MAX, FLT_MAX};
  if (out_type == EW_QT_U8) { c->rows.zp = 100; c->rows.lo = (float)(0 - 100); c->rows.hi = 255 - 100; }
  if (out_type == EW_QT_S8) { c->rows.zp = -5; c->rows.lo = -128 + 5; c->rows.hi = 127 + 5; }
}

static void free_rows(qcase *c) { free(c->corr); free(c->bias); free(c->mult); free(c->add); }

/* y[m][n] from true integers: acc = sum w * (x - zx) + bias, then the shared float formula */
static void store_ref(const ew_qrows *q, size_t m, int64_t acc, void *y, size_t at) {
  float f = ew_qreal((int32_t)acc, 0, q->mult[m], q->add[m], q->lo, q->hi);
  if (q->out_type == EW_QT_F32) { ((float *)y)[at] = f; return; }
  int32_t v = (int32_t)nearbyintf(f) + q->zp;
  int lo = q->out_type == EW_QT_U8 ? 0 : -128, hi = q->out_type == EW_QT_U8 ? 255 : 127;
  v = v < lo ? lo : v > hi ? hi : v;
  if (q->out_type == EW_QT_U8) ((uint8_t *)y)[at] = (uint8_t)v; else ((int8_t *)y)[at] = (int8_t)v;
}

static int8_t *rand_s8(size_t n, int lo) {
  int8_t *p = malloc(n ? n : 1);
  for (size_t i = 0; i < n; i++) p[i] = (int8_t)(lo + (int)(tu_u32() % (unsigned)(128 - lo)));
  return p;
}

static void gemm_case(size_t M, size_t N, size_t K, int u8_input, int out_type, int with_min,
                      ew_pool *pool) {
  int8_t *a = rand_s8(M * K, with_min ? -128 : -127);
  if (with_min) a[(M * K) / 2] = -128;
  uint8_t *x = (uint8_t *)rand_s8(K * N, -128);
  int32_t zx = u8_input ? (int32_t)(tu_u32() % 256) : (int32_t)(tu_u32() % 256) - 128;
  uint8_t flip = u8_input ? 0x80 : 0;
  int8_t *ap = malloc(ew_qpack_a_bytes(M, K));
  int32_t *rowsum = malloc(M * 4);
  int safe = ew_qpack_a_s8(M, K, a, K, ap, rowsum);
  TU_CHECK(safe == !with_min, "pairs_safe %d with_min %d", safe, with_min);
  qcase c;
  make_rows(&c, M, rowsum, zx - (u8_input ? 128 : 0), out_type);
  size_t es = out_type == EW_QT_F32 ? 4 : 1;
  uint8_t *ref = malloc(M * N * es), *got = malloc(M * N * es);
  for (size_t m = 0; m < M; m++)
    for (size_t n = 0; n < N; n++) {
      int64_t acc = c.bias[m];
      for (size_t k = 0; k < K; k++) {
        int32_t xv = u8_input ? x[k * N + n] : (int8_t)x[k * N + n];
        acc += (int64_t)a[m * K + k] * (xv - zx);
      }
      store_ref(&c.rows, m, acc, ref, m * N + n);
    }
  ew_qb_matrix src = {x, N, N, 0, flip};
  int8_t *scratch = malloc(3 * ew_qgemm_scratch_bytes(K));
  for (size_t i = 0; i < n_impls; i++) {
    memset(got, 0xA5, M * N * es);
    ew_qgemm_problem p = {M, N, K, ap, safe, ew_qpack_b_matrix, &src, &c.rows, got, N, 1};
    ew_qgemm(impls[i], &p, pool, scratch);
    tu_checks++;
    if (memcmp(got, ref, M * N * es)) {
      tu_failures++;
      printf("FAIL %s M=%zu N=%zu K=%zu u8=%d out=%d min=%d differs from the reference\n",
             impls[i]->name, M, N, K, u8_input, out_type, with_min);
    }
  }
  free(a); free(x); free(ap); free(rowsum); free_rows(&c); free(ref); free(got); free(scratch);
}

/* fully connected: y[b][n] = x[b][:] . W[n][:], B transposed (batch rows are the columns) and
 * a strided output (row stride 1, column stride N) as GEMM_S8 runs it */
static void fc_case(size_t Bt, size_t N, size_t K, int out_type, ew_pool *pool) {
  int8_t *w = rand_s8(N * K, -127);
  uint8_t *x = (uint8_t *)rand_s8(Bt * K, -128);
  int32_t zx = (int32_t)(tu_u32() % 256) - 128; /* int8 input this time */
  int8_t *wp = malloc(ew_qpack_a_bytes(N, K));
  int32_t *rowsum = malloc(N * 4);
  int safe = ew_qpack_a_s8(N, K, w, K, wp, rowsum);
  qcase c;
  make_rows(&c, N, rowsum, zx, out_type);
  size_t es = out_type == EW_QT_F32 ? 4 : 1;
  uint8_t *ref = malloc(Bt * N * es), *got = malloc(Bt * N * es);
  for (size_t b = 0; b < Bt; b++)
    for (size_t n = 0; n < N; n++) {
      int64_t acc = c.bias[n];
      for (size_t k = 0; k < K; k++) acc += (int64_t)w[n * K + k] * ((int8_t)x[b * K + k] - zx);
      store_ref(&c.rows, n, acc, ref, b * N + n);
    }
  ew_qb_matrix src = {x, K, Bt, 1, 0};
  int8_t *scratch = malloc(3 * ew_qgemm_scratch_bytes(K));
  for (size_t i = 0; i < n_impls; i++) {
    memset(got, 0x3C, Bt * N * es);
    ew_qgemm_problem p = {N, Bt, K, wp, safe, ew_qpack_b_matrix, &src, &c.rows, got, 1, N};
    ew_qgemm(impls[i], &p, pool, scratch);
    tu_checks++;
    if (memcmp(got, ref, Bt * N * es)) {
      tu_failures++;
      printf("FAIL %s fc B=%zu N=%zu K=%zu out=%d differs from the reference\n", impls[i]->name, Bt, N, K,
             out_type);
    }
  }
  free(w); free(x); free(wp); free(rowsum); free_rows(&c); free(ref); free(got); free(scratch);
}

/* worst case for the int16 pair accumulation of the widening kernel: |w| = 127, x = -128 */
static void extreme_case(void) {
  size_t M = 9, N = 9, K = 64;
  int8_t *a = malloc(M * K), *ap = malloc(ew_qpack_a_bytes(M, K));
  uint8_t *x = malloc(K * N);
  memset(a, -127, M * K);
  memset(x, 0, K * N); /* uint8 0 = -128 after the flip */
  int32_t rowsum[9];
  int safe = ew_qpack_a_s8(M, K, a, K, ap, rowsum);
  int32_t corr[9] = {0};
  float mult[9], add[9] = {0};
  for (int i = 0; i < 9; i++) mult[i] = 1.0f;
  ew_qrows q = {corr, mult, add, EW_QT_F32, 0, -FLT_MAX, FLT_MAX};
  ew_qb_matrix src = {x, N, N, 0, 0x80};
  float y[81];
  int8_t *scratch = malloc(ew_qgemm_scratch_bytes(K));
  for (size_t i = 0; i < n_impls; i++) {
    ew_qgemm_problem p = {M, N, K, ap, safe, ew_qpack_b_matrix, &src, &q, y, N, 1};
    ew_qgemm(impls[i], &p, NULL, scratch);
    TU_CHECK(y[0] == 127.0f * 128.0f * 64 && y[80] == y[0], "%s extreme: %g", impls[i]->name, y[0]);
  }
  free(a); free(ap); free(x); free(scratch);
}

static void conv_case(ew_conv_shape s, int im2col, int out_type, ew_pool *pool) {
  TU_CHECK(ew_conv_shape_finish(&s) == 0, "shape");
  size_t G = (size_t)s.group, Mg = (size_t)s.m / G, Cg = (size_t)s.c / G;
  size_t K = Cg * s.kh * s.kw, OHW = (size_t)s.oh * s.ow, HW = (size_t)s.h * s.w;
  int8_t *w = rand_s8((size_t)s.m * K, -127);
  uint8_t *x = (uint8_t *)rand_s8((size_t)s.n * s.c * HW, -128);
  int32_t zx = (int32_t)(tu_u32() % 256);
  size_t ab = ew_qpack_a_bytes(Mg, K);
  int8_t *wp = malloc(G * ab);
  int32_t *rowsum = malloc((size_t)s.m * 4);
  int safe = 1;
  for (size_t g = 0; g < G; g++) safe &= ew_qpack_a_s8(Mg, K, w + g * Mg * K, K, wp + g * ab, rowsum + g * Mg);
  qcase c;
  make_rows(&c, (size_t)s.m, rowsum, zx - 128, out_type);
  size_t es = out_type == EW_QT_F32 ? 4 : 1, ny = (size_t)s.n * s.m * OHW;
  uint8_t *ref = malloc(ny * es), *got = malloc(ny * es);
  for (int n = 0; n < s.n; n++)
    for (int m = 0; m < s.m; m++)
      for (int oy = 0; oy < s.oh; oy++)
        for (int ox = 0; ox < s.ow; ox++) {
          int64_t acc = c.bias[m];
          int g = m / (int)Mg;
          for (int ci = 0; ci < (int)Cg; ci++)
            for (int ky = 0; ky < s.kh; ky++)
              for (int kx = 0; kx < s.kw; kx++) {
                int iy = oy * s.sh - s.pt + ky * s.dh, ix = ox * s.sw - s.pl + kx * s.dw;
                if (iy < 0 || iy >= s.h || ix < 0 || ix >= s.w) continue; /* padding = zx: adds 0 */
                int32_t xv = x[(((size_t)n * s.c + g * Cg + ci) * s.h + iy) * s.w + ix];
                acc += (int64_t)w[((size_t)m * Cg + ci) * s.kh * s.kw + ky * s.kw + kx] * (xv - zx);
              }
          store_ref(&c.rows, (size_t)m, acc, ref, (((size_t)n * s.m + m) * s.oh + oy) * s.ow + ox);
        }
  int8_t *ws = malloc(3 * ew_qgemm_scratch_bytes(K));
  for (size_t i = 0; i < n_impls; i++) {
    memset(got, 0x5A, ny * es);
    ew_qconv_args a = {&s, x, 0x80, (uint8_t)zx, wp, safe, &c.rows, got, ws, pool, impls[i]};
    (im2col ? ew_qconv_im2col : ew_qconv_1x1)(&a);
    tu_checks++;
    if (memcmp(got, ref, ny * es)) {
      tu_failures++;
      printf("FAIL %s conv %s C=%d M=%d %dx%d k%dx%d s%d d%d p%d g%d out=%d\n", impls[i]->name,
             im2col ? "im2col" : "1x1", s.c, s.m, s.h, s.w, s.kh, s.kw, s.sh, s.dh, s.pt, s.group,
             out_type);
    }
  }
  free(w); free(x); free(wp); free(rowsum); free_rows(&c); free(ref); free(got); free(ws);
}

static void quantize_cases(void) {
  /* the ONNX spec's rounding: half to even, then saturate */
  const float xs[] = {0.0f, 2.5f, 3.5f, -2.5f, -3.5f, 254.5f, 300.0f, -1.0f, 1.4999f, 127.5f,
                      -128.5f, -200.0f, 0.5f, 1.5f, 7.0f};
  const uint8_t want_u8[] = {0, 2, 4, 0, 0, 254, 255, 0, 1, 128, 0, 0, 0, 2, 7};
  const int8_t want_s8[] = {0, 2, 4, -2, -4, 127, 127, -1, 1, 127, -128, -128, 0, 2, 7};
  size_t n = sizeof(xs) / sizeof(xs[0]);
  for (size_t i = 0; i < n_impls; i++) {
    uint8_t u[16];
    int8_t s8[16];
    impls[i]->quantize(xs, n, 1.0f, 0, EW_QT_U8, u);
    impls[i]->quantize(xs, n, 1.0f, 0, EW_QT_S8, s8);
    TU_CHECK(!memcmp(u, want_u8, n), "%s quantize u8", impls[i]->name);
    TU_CHECK(!memcmp(s8, want_s8, n), "%s quantize s8", impls[i]->name);
  }
  /* long random runs (with tails) must agree with the scalar twin bit for bit, both ways */
  for (size_t len = 1; len < 40; len += 3) {
    float *x = tu_rand(len, -40, 40), *d0 = malloc(len * 4), *d1 = malloc(len * 4);
    uint8_t *q0 = malloc(len), *q1 = malloc(len);
    for (int type = EW_QT_U8; type <= EW_QT_S8; type++)
      for (size_t i = 1; i < n_impls; i++) {
        int32_t zp = type == EW_QT_U8 ? 77 : -9;
        ew_quantize_scalar(x, len, 0.17f, zp, type, q0);
        impls[i]->quantize(x, len, 0.17f, zp, type, q1);
        TU_CHECK(!memcmp(q0, q1, len), "%s quantize len %zu", impls[i]->name, len);
        ew_dequantize_scalar(q0, len, 0.17f, zp, type, d0);
        impls[i]->dequantize(q0, len, 0.17f, zp, type, d1);
        TU_CHECK(!memcmp(d0, d1, len * 4), "%s dequantize len %zu", impls[i]->name, len);
        int32_t v = type == EW_QT_U8 ? q0[len - 1] : (int8_t)q0[len - 1];
        TU_CHECK(d0[len - 1] == (float)(v - zp) * 0.17f, "dequantize formula");
      }
    free(x); free(d0); free(d1); free(q0); free(q1);
  }
}

int main(void) {
  pick_impls();
  ew_pool *pool3 = ew_pool_create(3, NULL, 0);
  tu_seed(7);
  const size_t Ms[] = {1, 7, 8, 9, 16, 17};
  const size_t Ns[] = {1, 3, 4, 5, 8, 9, 17, 300};
  const size_t Ks[] = {1, 3, 4, 5, 8, 9, 31, 33, 257, 2100};
  size_t nk = TU_BIG ? 10 : 9;
  for (size_t mi = 0; mi < 6; mi++)
    for (size_t ni = 0; ni < 8; ni++)
      for (size_t ki = 0; ki < nk; ki++) {
        size_t v = mi + ni + ki;
        gemm_case(Ms[mi], Ns[ni], Ks[ki], (int)(v % 2), (int)(v % 3), (int)(v % 4 == 1),
                  v % 2 ? pool3 : NULL);
      }
  extreme_case();
  const size_t Bs[] = {1, 3, 8, 9, 17}, FNs[] = {1, 7, 8, 9, 33}, FKs[] = {1, 5, 64, 257};
  for (size_t bi = 0; bi < 5; bi++)
    for (size_t ni = 0; ni < 5; ni++)
      for (size_t ki = 0; ki < 4; ki++)
        fc_case(Bs[bi], FNs[ni], FKs[ki], (int)((bi + ni + ki) % 3), (bi + ki) % 2 ? pool3 : NULL);
  /* n, c, h, w, m, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr, group */
  const ew_conv_shape convs[] = {
      {1, 3, 9, 11, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0},
      {2, 4, 7, 7, 9, 3, 3, 2, 2, 1, 1, 1, 0, 1, 0, 1, 0, 0},
      {1, 6, 8, 9, 6, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 2, 0, 0},
      {1, 8, 5, 5, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 8, 0, 0},
      {1, 1, 13, 13, 17, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2, 1, 0, 0},
      {1, 17, 6, 5, 33, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 0, 0},
  };
  for (size_t i = 0; i < sizeof(convs) / sizeof(convs[0]); i++)
    for (int out = EW_QT_F32; out <= EW_QT_S8; out++) {
      conv_case(convs[i], 1, out, i % 2 ? pool3 : NULL);
      if (convs[i].kh == 1) conv_case(convs[i], 0, out, i % 2 ? NULL : pool3);
    }
  quantize_cases();
  ew_pool_destroy(pool3);
  return tu_finish("test_qgemm");
}
