/* Sparse CSR kernels against the dense ones, at tile edges (pixels around the 4/16 vector
 * blocks, rows around MR = 8, non-zeros per row around the 4-wide weight loads) and at 0, 50,
 * 70, 90 and 100% zeros. 1x1 conv: NEON sparse == NEON dense SGEMM and scalar == scalar, bit
 * for bit (same products, same order). FC GEMV: scalar == scalar bit for bit; the NEON GEMV sums
 * in another order than the dense one, so it is held to the summation bound instead. Then
 * GEMM_CSR / CONV1X1_CSR plans (LAYOUT_CSR fp32 and fp16 values, dense OI/OIHW compressed at
 * load) against GEMM / CONV1X1_SGEMM plans, and malformed CSR blobs. */
#include <string.h>
#include "kernels.h"
#include "sparse.h"
#include "f16.h"
#include "threadpool.h"
#include "plan_builder.h"
#include "edgewise/rt.h"
#include "testutil.h"

static float *sparse_rand(size_t n, double zeros) {
  float *w = tu_rand(n, -1, 1);
  for (size_t i = 0; i < n; i++)
    if (tu_uniform(0, 1) < zeros) w[i] = 0.0f;
  return w;
}

typedef struct csr_buf { uint32_t *rp, *col; float *val; ew_csr csr; } csr_buf;
static void csr_make(size_t rows, size_t cols, const float *w, csr_buf *c) {
  size_t nnz = ew_csr_count(rows, cols, w);
  c->rp = malloc((rows + 1) * 4);
  c->col = malloc((nnz + 1) * 4);
  c->val = malloc((nnz + 1) * 4);
  ew_csr_from_dense(rows, cols, w, c->rp, c->col, c->val);
  c->csr = (ew_csr){rows, cols, nnz, c->rp, c->col, c->val};
  TU_CHECK(ew_csr_check(rows, cols, c->rp, c->col, nnz) == NULL, "own CSR invalid");
}
static void csr_free(csr_buf *c) { free(c->rp); free(c->col); free(c->val); }

static float *dense_1x1(const ew_gemm_ops *ops, size_t M, size_t C, size_t hw, const float *w,
                        const float *x, const float *bias, const ew_act *act, ew_pool *pool) {
  ew_conv_shape s = {1, (int)C, 1, (int)hw, (int)M, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 0, 0};
  ew_conv_shape_finish(&s);
  const ew_conv_algo *al = &ew_algo_conv1x1_sgemm_f32;
  float *packed = malloc(al->packed_floats(&s) * 4), *y = malloc(M * hw * 4);
  float *ws = malloc(al->workspace_floats(&s, ew_pool_threads(pool)) * 4);
  al->pack(&s, w, packed);
  ew_conv_args a = {&s, x, packed, bias, act, y, ws, pool, ops};
  al->run(&a);
  free(packed);
  free(ws);
  return y;
}

static void conv_case(size_t M, size_t C, size_t hw, double zeros, const ew_act *act,
                      ew_pool *pool) {
  float *w = sparse_rand(M * C, zeros), *x = tu_rand(C * hw, -1, 1), *bias = tu_rand(M, -1, 1);
  csr_buf c;
  csr_make(M, C, w, &c);
  const ew_gemm_ops *dense[2] = {&ew_gemm_ops_neon, &ew_gemm_ops_scalar};
  const ew_sparse_ops *sp[2] = {&ew_sparse_ops_neon, &ew_sparse_ops_scalar};
  for (int v = 0; v < 2; v++) {
    float *want = dense_1x1(dense[v], M, C, hw, w, x, bias, act, pool);
    float *got = malloc(M * hw * 4);
    for (size_t i = 0; i < M * hw; i++) got[i] = NAN;
    ew_conv1x1_csr_f32(sp[v], &c.csr, 1, hw, x, bias, act, got, pool);
    TU_CHECK(!memcmp(got, want, M * hw * 4), "%s M=%zu C=%zu hw=%zu zeros=%.1f act=%d threads=%d: "
             "differs from the dense kernel", sp[v]->name, M, C, hw, zeros, act ? act->kind : 0,
             ew_pool_threads(pool));
    free(want);
    free(got);
  }
  csr_free(&c);
  free(w); free(x); free(bias);
}

static void fc_case(size_t N, size_t K, size_t batch, double zeros, ew_pool *pool) {
  float *w = sparse_rand(N * K, zeros), *x = tu_rand(K * batch, -1, 1), *bias = tu_rand(N, -1, 1);
  csr_buf c;
  csr_make(N, K, w, &c);
  float *packed = malloc(ew_pack_a_floats(N, K) * 4);
  ew_pack_a_f32(N, K, w, K, packed);
  float *ws = malloc((ew_fc_workspace_floats(batch, N, ew_pool_threads(pool)) + 1) * 4);
  float *want = malloc(N * batch * 4), *got = malloc(N * batch * 4), *scale = malloc(N * batch * 4);
  /* scalar: bit for bit (batch 1: both are a GEMV summing products, then the bias) */
  ew_fc_f32(&ew_gemm_ops_scalar, batch, N, K, x, packed, bias, NULL, want, ws, pool);
  ew_fc_csr_f32(&ew_sparse_ops_scalar, &c.csr, batch, x, bias, NULL, got, pool);
  if (batch == 1)
    TU_CHECK(!memcmp(got, want, N * 4), "scalar spmv N=%zu K=%zu zeros=%.1f differs from the "
             "dense GEMV", N, K, zeros);
  /* NEON: |error| <= 2 (K + 1) u sum|products| (two summation orders, each within gamma_K) */
  for (size_t b = 0; b < batch; b++)
    for (size_t n = 0; n < N; n++) {
      double s = fabs(bias[n]);
      for (size_t k = 0; k < K; k++) s += fabs((double)w[n * K + k] * x[b * K + k]);
      scale[b * N + n] = (float)s;
    }
  ew_fc_f32(&ew_gemm_ops_neon, batch, N, K, x, packed, bias, NULL, want, ws, pool);
  ew_fc_csr_f32(&ew_sparse_ops_neon, &c.csr, batch, x, bias, NULL, got, pool);
  char what[96];
  snprintf(what, sizeof(what), "neon spmv N=%zu K=%zu B=%zu zeros=%.1f", N, K, batch, zeros);
  tu_close(what, got, want, scale, N * batch, 2.0f * (float)(K + 1) * 0x1p-24f, 0.0f);
  csr_free(&c);
  free(w); free(x); free(bias); free(packed); free(ws); free(want); free(got); free(scale);
}

/* ---- plans -------------------------------------------------------------------------------- */
/* CSR blob bytes: row_ptr, col, values (fp32 or fp16) */
static uint8_t *csr_bytes(size_t rows, size_t cols, const float *w, int f16, size_t *len) {
  csr_buf c;
  csr_make(rows, cols, w, &c);
  size_t nnz = c.csr.nnz, es = f16 ? 2 : 4;
  *len = (rows + 1) * 4 + nnz * (4 + es);
  uint8_t *p = malloc(*len), *q = p;
  memcpy(q, c.rp, (rows + 1) * 4); q += (rows + 1) * 4;
  memcpy(q, c.col, nnz * 4); q += nnz * 4;
  if (f16) {
    ew_f16 *h = malloc(nnz * 2 + 2);
    ew_f32_narrow_f16_scalar(c.val, h, nnz);
    memcpy(q, h, nnz * 2);
    free(h);
  } else {
    memcpy(q, c.val, nnz * 4);
  }
  csr_free(&c);
  return p;
}

enum { W_DENSE_F32, W_CSR_F32, W_CSR_F16, W_DENSE_F16 };
/* input [1,C,H,W] -> conv1x1 (M) relu -> gemm (N) : kernels dense or sparse */
static uint8_t *build_plan(int sparse, int wmode, const float *wc, const float *bc,
                           const float *wf, const float *bf, size_t *len) {
  const uint32_t C = 13, M = 9, H = 3, W = 7, N = 11, K = M * H * W;
  pbld *b = pbld_new();
  uint32_t xd[4] = {1, C, H, W}, yd[4] = {1, M, H, W}, fd[2] = {1, N};
  uint32_t tx = pbld_tensor(b, "x", 4, xd), ty = pbld_tensor(b, "conv", 4, yd);
  uint32_t tf = pbld_tensor(b, "fc", 2, fd);
  Edgewise__Plan__Op *conv = pbld_op(b, sparse ? EDGEWISE__PLAN__KERNEL_ID__CONV1X1_CSR
                                               : EDGEWISE__PLAN__KERNEL_ID__CONV1X1_SGEMM,
                                     "conv", 1, &tx, 1, &ty);
  pbld_conv(b, conv, 1, 1, 1, 1, 0, 1, (int)M);
  Edgewise__Plan__Op *fc = pbld_op(b, sparse ? EDGEWISE__PLAN__KERNEL_ID__GEMM_CSR
                                             : EDGEWISE__PLAN__KERNEL_ID__GEMM, "fc", 1, &ty, 1, &tf);
  const float *ws[2] = {wc, wf};
  size_t rows[2] = {M, N}, cols[2] = {C, K};
  int dense_layout[2] = {EDGEWISE__PLAN__LAYOUT__LAYOUT_OIHW, EDGEWISE__PLAN__LAYOUT__LAYOUT_OI};
  uint32_t wb[2];
  for (int i = 0; i < 2; i++) {
    size_t n = rows[i] * cols[i], bl;
    if (wmode == W_CSR_F32 || wmode == W_CSR_F16) {
      uint8_t *raw = csr_bytes(rows[i], cols[i], ws[i], wmode == W_CSR_F16, &bl);
      wb[i] = pbld_blob_raw(b, raw, bl, EDGEWISE__PLAN__LAYOUT__LAYOUT_CSR,
                            wmode == W_CSR_F16 ? EDGEWISE__PLAN__DATA_TYPE__DT_F16
                                               : EDGEWISE__PLAN__DATA_TYPE__DT_F32);
      free(raw);
    } else if (wmode == W_DENSE_F16) {
      ew_f16 *h = malloc(n * 2);
      ew_f32_narrow_f16_scalar(ws[i], h, n);
      wb[i] = pbld_blob_raw(b, h, n * 2, dense_layout[i], EDGEWISE__PLAN__DATA_TYPE__DT_F16);
      free(h);
    } else {
      wb[i] = pbld_blob(b, ws[i], n, dense_layout[i]);
    }
  }
  pbld_weights(b, conv, wb[0], 1, pbld_blob(b, bc, M, EDGEWISE__PLAN__LAYOUT__LAYOUT_RAW));
  pbld_act(b, conv, EW_ACT_RELU, 0, 0);
  pbld_weights(b, fc, wb[1], 1, pbld_blob(b, bf, N, EDGEWISE__PLAN__LAYOUT__LAYOUT_RAW));
  pbld_io(b, tx, tf);
  uint8_t *p = pbld_pack(b, len);
  pbld_free(b);
  return p;
}

static int run_plan(const uint8_t *plan, size_t len, const float *x, size_t nx, float *y,
                    size_t ny, int scalar, char *why) {
  ew_model *m = NULL;
  ew_session *s = NULL;
  ew_error err = {0, ""};
  ew_session_options opt = {2, NULL, 0, scalar, 0};
  int rc = ew_model_load(plan, len, &m, &err);
  if (!rc) rc = ew_session_create(m, &opt, &s, &err);
  if (!rc) {
    memcpy(ew_session_input(s, 0), x, nx * 4);
    rc = ew_session_run(s, NULL, &err);
    memcpy(y, ew_session_output(s, 0), ny * 4);
  }
  snprintf(why, 256, "%s", err.message);
  ew_session_free(s);
  ew_model_free(m);
  return rc;
}

static float widen_round(float v) { return ew_f16_to_f32_scalar(ew_f32_to_f16_scalar(v)); }

static void plans(void) {
  const size_t C = 13, M = 9, N = 11, K = 9 * 21, nx = 13 * 21;
  float *wc = sparse_rand(M * C, 0.7), *wf = sparse_rand(N * K, 0.9);
  float *bc = tu_rand(M, -0.5f, 0.5f), *bf = tu_rand(N, -0.5f, 0.5f), *x = tu_rand(nx, -1, 1);
  float *wc16 = malloc(M * C * 4), *wf16 = malloc(N * K * 4);
  for (size_t i = 0; i < M * C; i++) wc16[i] = widen_round(wc[i]);
  for (size_t i = 0; i < N * K; i++) wf16[i] = widen_round(wf[i]);
  char why[256];
  for (int scalar = 0; scalar < 2; scalar++) {
    float want[11], want16[11], got[11];
    size_t len;
    uint8_t *p = build_plan(0, W_DENSE_F32, wc, bc, wf, bf, &len);
    TU_CHECK(run_plan(p, len, x, nx, want, N, scalar, why) == EW_OK, "dense plan: %s", why);
    free(p);
    p = build_plan(0, W_DENSE_F32, wc16, bc, wf16, bf, &len);
    TU_CHECK(run_plan(p, len, x, nx, want16, N, scalar, why) == EW_OK, "dense plan: %s", why);
    free(p);
    for (int mode = W_DENSE_F32; mode <= W_DENSE_F16; mode++) {
      int f16 = mode == W_CSR_F16 || mode == W_DENSE_F16;
      for (int sparse = 0; sparse < 2; sparse++) {
        if (!sparse && mode != W_DENSE_F16) continue; /* dense kernels take no CSR blob */
        p = build_plan(sparse, mode, wc, bc, wf, bf, &len);
        int rc = run_plan(p, len, x, nx, got, N, scalar, why);
        TU_CHECK(rc == EW_OK, "plan sparse=%d weights=%d: %s", sparse, mode, why);
        free(p);
        /* the FC layer: scalar sparse == scalar dense; NEON within the summation bound */
        char what[64];
        snprintf(what, sizeof(what), "plan sparse=%d weights=%d scalar=%d", sparse, mode, scalar);
        if (scalar || !sparse)
          TU_CHECK(!memcmp(got, f16 ? want16 : want, sizeof(got)), "%s: not bit-identical", what);
        else
          tu_close(what, got, f16 ? want16 : want, NULL, N, 1e-5f, 1e-5f);
      }
    }
  }
  free(wc); free(wf); free(bc); free(bf); free(x); free(wc16); free(wf16);
}

/* malformed CSR blobs are refused with EW_ERR_INVALID, never read out of bounds */
static void malformed(void) {
  float w[6] = {0, 2, 0, 3, 4, 0}; /* 2 x 3 */
  uint32_t good[9] = {0, 1, 3, 1, 0, 1, 0, 0, 0};
  float vals[3] = {2, 3, 4};
  static const struct { const char *what; int slot; uint32_t value; int trim; } cases[] = {
      {"row_ptr[0]", 0, 1, 0}, {"row_ptr order", 1, 4, 0}, {"nnz vs length", 2, 2, 0},
      {"column range", 3, 3, 0}, {"column order", 5, 0, 0}, {"truncated", -1, 0, 4},
  };
  (void)w;
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    uint8_t raw[64];
    uint32_t idx[6];
    memcpy(idx, good, sizeof(idx));
    if (cases[i].slot >= 0) idx[cases[i].slot] = cases[i].value;
    memcpy(raw, idx, 24);
    memcpy(raw + 24, vals, 12);
    size_t len = 36 - (size_t)cases[i].trim;
    pbld *b = pbld_new();
    uint32_t xd[2] = {1, 3}, yd[2] = {1, 2};
    uint32_t tx = pbld_tensor(b, "x", 2, xd), ty = pbld_tensor(b, "y", 2, yd);
    Edgewise__Plan__Op *op = pbld_op(b, EDGEWISE__PLAN__KERNEL_ID__GEMM_CSR, "fc", 1, &tx, 1, &ty);
    pbld_weights(b, op, pbld_blob_raw(b, raw, len, EDGEWISE__PLAN__LAYOUT__LAYOUT_CSR,
                                      EDGEWISE__PLAN__DATA_TYPE__DT_F32), 0, 0);
    pbld_io(b, tx, ty);
    size_t plen;
    uint8_t *p = pbld_pack(b, &plen);
    ew_model *m = NULL;
    ew_error err = {0, ""};
    int rc = ew_model_load(p, plen, &m, &err);
    TU_CHECK(rc == EW_ERR_INVALID, "CSR %s: got %s (%s)", cases[i].what, ew_status_name(rc),
             err.message);
    printf("  %-14s -> %s: %s\n", cases[i].what, ew_status_name(rc), err.message);
    /* every prefix of the plan too: load or refuse, no crash (ASan build) */
    for (size_t cut = 0; cut < plen; cut++) {
      ew_model *m2 = NULL;
      uint8_t *copy = malloc(cut ? cut : 1);
      memcpy(copy, p, cut);
      if (ew_model_load(copy, cut, &m2, &err) == EW_OK) ew_model_free(m2);
      free(copy);
    }
    ew_model_free(m);
    free(p);
    pbld_free(b);
  }
}

/* bit flips in a CSR + fp16 plan: load or refuse, and run what loads (ASan/UBSan build) */
static void flips(void) {
  float *wc = sparse_rand(9 * 13, 0.7), *wf = sparse_rand(11 * 189, 0.9);
  float *bc = tu_rand(9, -1, 1), *bf = tu_rand(11, -1, 1), *x = tu_rand(13 * 21, -1, 1);
  size_t len;
  uint8_t *p = build_plan(1, W_CSR_F16, wc, bc, wf, bf, &len), *copy = malloc(len);
  int ok = 0, refused = 0;
  for (int i = 0; i < (TU_BIG ? 3000 : 800); i++) {
    memcpy(copy, p, len);
    for (int k = 0; k < 1 + (int)(tu_u32() % 3); k++) copy[tu_u32() % len] ^= (uint8_t)(1u << (tu_u32() % 8));
    ew_model *m = NULL;
    ew_session *s = NULL;
    ew_error err;
    if (ew_model_load(copy, len, &m, &err) == EW_OK && ew_model_arena_size(m) < (64u << 20) &&
        ew_session_create(m, NULL, &s, &err) == EW_OK) {
      ew_tensor_info ti;
      if (ew_model_input_info(m, 0, &ti) == EW_OK) memset(ew_session_input(s, 0), 0, ti.bytes);
      ew_session_run(s, NULL, &err);
      ok++;
    } else {
      refused++;
    }
    ew_session_free(s);
    ew_model_free(m);
  }
  TU_CHECK(refused > 0, "no flipped plan was refused");
  printf("flipped CSR/fp16 plans: %d loaded and ran, %d refused\n", ok, refused);
  free(p); free(copy); free(wc); free(wf); free(bc); free(bf); free(x);
}

int main(void) {
  const size_t Ms[] = {1, 7, 8, 9, 17};
  const size_t Cs[] = {1, 3, 4, 5, 13, 64};
  const size_t HWs[] = {1, 3, 4, 5, 15, 16, 17, 33, 100};
  const double zeros[] = {0.0, 0.5, 0.7, 0.9, 1.0};
  ew_act relu = {EW_ACT_RELU, 0, 0}, clip = {EW_ACT_CLIP, -0.5f, 0.5f};
  const ew_act *acts[] = {NULL, &relu, &clip};
  ew_pool *pool3 = ew_pool_create(3, NULL, 0);
  tu_seed(3);
  int n = 0;
  for (size_t a = 0; a < sizeof(Ms) / sizeof(Ms[0]); a++)
    for (size_t b = 0; b < sizeof(Cs) / sizeof(Cs[0]); b++)
      for (size_t c = 0; c < sizeof(HWs) / sizeof(HWs[0]); c++, n++)
        conv_case(Ms[a], Cs[b], HWs[c], zeros[n % 5], acts[n % 3], n % 2 ? pool3 : NULL);
  if (TU_BIG) conv_case(64, 300, 196, 0.9, &relu, pool3); /* K above the KC = 256 block */
  const size_t Ns[] = {1, 7, 8, 9, 33};
  const size_t Ks[] = {1, 3, 4, 5, 8, 9, 64, 300};
  for (size_t a = 0; a < sizeof(Ns) / sizeof(Ns[0]); a++)
    for (size_t b = 0; b < sizeof(Ks) / sizeof(Ks[0]); b++, n++)
      fc_case(Ns[a], Ks[b], n % 4 == 0 ? 3 : 1, zeros[n % 5], n % 2 ? pool3 : NULL);
  plans();
  malformed();
  flips();
  ew_pool_destroy(pool3);
  return tu_finish("test_sparse");
}
