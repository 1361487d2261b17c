/* fp16-arithmetic GEMM driver, its scalar twin, and the fully-connected layer on top of it.
 * The driver mirrors sgemm_f32.c (KC x NC blocks, same B sources, same threading); each B
 * block is produced in fp32 by the source and narrowed to fp16 once, then shared by all A
 * panels. A (the weights) is narrowed and packed once at load. */
#include <math.h>
#include <string.h>
#include "f16.h"
#include "../runtime/threadpool.h"

#define KC 256
#define NC (EW_GEMM_NR * 16)

static float round_f16(float v) { return ew_f16_to_f32_scalar(ew_f32_to_f16_scalar(v)); }

/* Emulates FMLA .8h: fmaf rounds a * b + acc once to fp32, then to fp16. That double rounding
 * can differ from the fused fp16 result by one fp16 ulp in rare ties; tests allow for it. */
void ew_hgemm_8x12_f16_scalar(size_t kc, const ew_f16 *a, const ew_f16 *b, float *c, size_t ldc,
                              size_t mr, size_t nr, const ew_ukernel_args *p) {
  float acc[EW_GEMM_MR][EW_GEMM_NR] = {{0}};
  for (size_t k0 = 0; k0 < kc; k0 += EW_F16_CHUNK) {
    size_t kn = kc - k0 < EW_F16_CHUNK ? kc - k0 : EW_F16_CHUNK;
    float h[EW_GEMM_MR][EW_GEMM_NR] = {{0}};
    for (size_t k = k0; k < k0 + kn; k++)
      for (size_t r = 0; r < EW_GEMM_MR; r++) {
        float ar = ew_f16_to_f32_scalar(a[k * EW_GEMM_MR + r]);
        for (size_t j = 0; j < EW_GEMM_NR; j++)
          h[r][j] = round_f16(fmaf(ar, ew_f16_to_f32_scalar(b[k * EW_GEMM_NR + j]), h[r][j]));
      }
    for (size_t r = 0; r < EW_GEMM_MR; r++)
      for (size_t j = 0; j < EW_GEMM_NR; j++) acc[r][j] += h[r][j];
  }
  for (size_t r = 0; r < mr; r++)
    for (size_t j = 0; j < nr; j++) {
      float init = p->first ? (p->bias ? p->bias[r] : 0.0f) : c[r * ldc + j];
      float v = init + acc[r][j];
      if (p->last && p->clamp) v = v < p->lo ? p->lo : (v > p->hi ? p->hi : v);
      c[r * ldc + j] = v;
    }
}

void ew_hgemv_8_f16_scalar(size_t p0, size_t p1, size_t R, size_t K, const ew_f16 *a,
                           const ew_f16 *x, const float *bias, float *y) {
  for (size_t p = p0; p < p1; p++) {
    const ew_f16 *ap = a + p * K * EW_GEMM_MR;
    float acc[EW_GEMM_MR] = {0};
    for (size_t k0 = 0; k0 < K; k0 += EW_F16_CHUNK) {
      size_t kn = K - k0 < EW_F16_CHUNK ? K - k0 : EW_F16_CHUNK;
      float h[EW_GEMM_MR] = {0};
      for (size_t k = k0; k < k0 + kn; k++) {
        float xk = ew_f16_to_f32_scalar(x[k]);
        for (size_t r = 0; r < EW_GEMM_MR; r++)
          h[r] = round_f16(fmaf(ew_f16_to_f32_scalar(ap[k * EW_GEMM_MR + r]), xk, h[r]));
      }
      for (size_t r = 0; r < EW_GEMM_MR; r++) acc[r] += h[r];
    }
    for (size_t r = 0; r < EW_GEMM_MR && p * EW_GEMM_MR + r < R; r++)
      y[p * EW_GEMM_MR + r] = acc[r] + (bias ? bias[p * EW_GEMM_MR + r] : 0.0f);
  }
}

const ew_hgemm_ops ew_hgemm_ops_scalar = {"hgemm_8x12_f16_scalar", ew_hgemm_8x12_f16_scalar,
                                          ew_hgemv_8_f16_scalar};

void ew_pack_a_f16(size_t R, size_t K, const float *a, size_t lda, ew_f16 *packed) {
  size_t panels = (R + EW_GEMM_MR - 1) / EW_GEMM_MR;
  for (size_t p = 0; p < panels; p++)
    for (size_t k = 0; k < K; k++)
      for (size_t r = 0; r < EW_GEMM_MR; r++) {
        size_t row = p * EW_GEMM_MR + r;
        *packed++ = row < R ? ew_f32_to_f16_scalar(a[row * lda + k]) : 0;
      }
}

size_t ew_hgemm_scratch_floats(void) { return (size_t)KC * NC + (size_t)KC * NC / 2; }

static void hgemm_range(const ew_hgemm_ops *ops, const ew_gemm_problem *g, const ew_f16 *a16,
                        size_t p0, size_t p1, size_t n0, size_t n1, float *scratch) {
  float lo = 0, hi = 0;
  int clamp = g->act ? ew_act_as_clamp(g->act, &lo, &hi) : 0;
  int post = g->act && g->act->kind != EW_ACT_NONE && !clamp;
  size_t m_end = p1 * EW_GEMM_MR < g->M ? p1 * EW_GEMM_MR : g->M;
  if (p0 >= p1 || n0 >= n1) return;
  ew_f16 *hblk = (ew_f16 *)(void *)(scratch + (size_t)KC * NC);
  size_t kblk = KC, wide = (n1 - n0 + EW_GEMM_NR - 1) / EW_GEMM_NR * EW_GEMM_NR;
  if (wide <= NC && g->K * wide <= (size_t)KC * NC) kblk = g->K ? g->K : 1;
  for (size_t jc = n0; jc < n1; jc += NC) {
    size_t nc = n1 - jc < NC ? n1 - jc : NC;
    for (size_t pc = 0; pc < g->K || pc == 0; pc += kblk) {
      size_t kc = g->K - pc < kblk ? g->K - pc : kblk, stride = 0;
      const float *bblk = g->get_b(g->b_ctx, pc, kc, jc, nc, scratch, &stride);
      size_t panels = (nc + EW_GEMM_NR - 1) / EW_GEMM_NR;
      for (size_t i = 0; i < panels; i++)
        ew_f32_narrow_f16_neon(bblk + i * stride, hblk + i * kc * EW_GEMM_NR, kc * EW_GEMM_NR);
      ew_ukernel_args args = {NULL, lo, hi, pc == 0, pc + kblk >= g->K, clamp};
      for (size_t p = p0; p < p1; p++) {
        size_t m = p * EW_GEMM_MR, mr = g->M - m < EW_GEMM_MR ? g->M - m : EW_GEMM_MR;
        const ew_f16 *ap = a16 + p * g->K * EW_GEMM_MR + pc * EW_GEMM_MR;
        args.bias = g->bias ? g->bias + m : NULL;
        for (size_t j = jc; j < jc + nc; j += EW_GEMM_NR) {
          size_t nr = jc + nc - j < EW_GEMM_NR ? jc + nc - j : EW_GEMM_NR;
          ops->ukernel(kc, ap, hblk + (j - jc) / EW_GEMM_NR * kc * EW_GEMM_NR,
                       g->c + m * g->ldc + j, g->ldc, mr, nr, &args);
        }
      }
      if (g->K == 0) break;
    }
    for (size_t m = p0 * EW_GEMM_MR; post && m < m_end; m++)
      ew_act_apply(g->act, g->c + m * g->ldc + jc, nc);
  }
}

typedef struct hsplit {
  const ew_hgemm_ops *ops;
  const ew_gemm_problem *g;
  const ew_f16 *a16;
  float *scratch;
  size_t parts, by_n, panels;
} hsplit;

static void hsplit_task(void *vctx, size_t t, int thread) {
  const hsplit *s = vctx;
  float *scratch = s->scratch + (size_t)thread * ew_hgemm_scratch_floats();
  if (s->by_n) {
    size_t tiles = (s->g->N + EW_GEMM_NR - 1) / EW_GEMM_NR;
    size_t a = tiles * t / s->parts, b = tiles * (t + 1) / s->parts;
    size_t n1 = b * EW_GEMM_NR < s->g->N ? b * EW_GEMM_NR : s->g->N;
    hgemm_range(s->ops, s->g, s->a16, 0, s->panels, a * EW_GEMM_NR, n1, scratch);
  } else {
    size_t a = s->panels * t / s->parts, b = s->panels * (t + 1) / s->parts;
    hgemm_range(s->ops, s->g, s->a16, a, b, 0, s->g->N, scratch);
  }
}

void ew_hgemm(const ew_hgemm_ops *ops, const ew_gemm_problem *g, const ew_f16 *a16,
              ew_pool *pool, float *scratch) {
  size_t threads = (size_t)ew_pool_threads(pool);
  size_t panels = (g->M + EW_GEMM_MR - 1) / EW_GEMM_MR;
  size_t tiles = (g->N + EW_GEMM_NR - 1) / EW_GEMM_NR;
  hsplit s = {ops, g, a16, scratch, threads, 1, panels};
  if (tiles < 2 * threads && panels > tiles) s.by_n = 0;
  size_t units = s.by_n ? tiles : panels;
  if (s.parts > units) s.parts = units ? units : 1;
  ew_pool_run(pool, s.parts, hsplit_task, &s);
}

/* ---- fully connected ---------------------------------------------------------------------- */
size_t ew_fc_f16_workspace_floats(size_t B, size_t N, size_t K, int nthreads) {
  if (B <= 1) return K / 2 + 1; /* x narrowed to fp16 */
  return (size_t)nthreads * ew_hgemm_scratch_floats() + N * B;
}

typedef struct hgemv_ctx {
  const ew_hgemm_ops *ops;
  size_t N, K, parts, panels;
  const ew_f16 *x, *w;
  const float *bias;
  const ew_act *act;
  float *y;
} hgemv_ctx;

static void hgemv_task(void *vc, size_t t, int thread) {
  (void)thread;
  const hgemv_ctx *g = vc;
  size_t p0 = g->panels * t / g->parts, p1 = g->panels * (t + 1) / g->parts;
  g->ops->gemv(p0, p1, g->N, g->K, g->w, g->x, g->bias, g->y);
  size_t r0 = p0 * EW_GEMM_MR, r1 = p1 * EW_GEMM_MR < g->N ? p1 * EW_GEMM_MR : g->N;
  if (r1 > r0) ew_act_apply(g->act, g->y + r0, r1 - r0);
}

void ew_fc_f16(const ew_hgemm_ops *ops, size_t B, size_t N, size_t K, const float *x,
               const ew_f16 *w16, const float *bias, const ew_act *act, float *y, float *ws,
               ew_pool *pool) {
  if (B == 1) {
    ew_f16 *x16 = (ew_f16 *)(void *)ws;
    ew_f32_narrow_f16_neon(x, x16, K);
    size_t panels = (N + EW_GEMM_MR - 1) / EW_GEMM_MR;
    size_t parts = (size_t)ew_pool_threads(pool) * 4;
    if (parts > panels) parts = panels;
    hgemv_ctx g = {ops, N, K, parts, panels, x16, w16, bias, act, y};
    ew_pool_run(pool, parts, hgemv_task, &g);
    return;
  }
  float *ct = ws + (size_t)ew_pool_threads(pool) * ew_hgemm_scratch_floats();
  ew_b_rowmajor src = {x, K, B, 1};
  ew_gemm_problem p = {N, B, K, NULL, ew_get_b_rowmajor, &src, ct, B, bias, act};
  ew_hgemm(ops, &p, w16, pool, ws);
  for (size_t b = 0; b < B; b++)
    for (size_t n = 0; n < N; n++) y[b * N + n] = ct[n * B + b];
}

size_t ew_conv_f16_workspace_floats(int nthreads) {
  return (size_t)nthreads * ew_hgemm_scratch_floats();
}
