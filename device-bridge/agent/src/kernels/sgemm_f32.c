/* SGEMM driver: packing, cache blocking and threading around a micro-kernel (ew_gemm_ops).
 * A is packed once (at plan load) over the full K, so a K block of a panel is contiguous;
 * B is packed per (K block, N block) into per-thread scratch by a caller-provided source,
 * which lets im2col and Winograd write straight into the packed layout. */
#include <string.h>
#include "kernels.h"
#include "../runtime/threadpool.h"

/* KC x 12 B panel (12 KiB) + 8 x KC A panel stay in L1; the NC-wide B block (192 KiB) in L2. */
#define KC 256
#define NC (EW_GEMM_NR * 16)

size_t ew_pack_a_floats(size_t R, size_t K) {
  return (R + EW_GEMM_MR - 1) / EW_GEMM_MR * K * EW_GEMM_MR;
}

void ew_pack_a_f32(size_t R, size_t K, const float *a, size_t lda, float *packed) {
  size_t panels = (R + EW_GEMM_MR - 1) / EW_GEMM_MR;
  for (size_t p = 0; p < panels; p++)
    for (size_t k = 0; k < K; k++)
      for (size_t r = 0; r < EW_GEMM_MR; r++) {
        size_t row = p * EW_GEMM_MR + r;
        *packed++ = row < R ? a[row * lda + k] : 0.0f;
      }
}

size_t ew_sgemm_scratch_floats(void) { return (size_t)KC * NC; }

const float *ew_get_b_rowmajor(void *ctx, size_t k0, size_t kc, size_t n0, size_t nc,
                               float *scratch, size_t *panel_stride) {
  const ew_b_rowmajor *src = ctx;
  float *dst = scratch;
  for (size_t j0 = n0; j0 < n0 + nc; j0 += EW_GEMM_NR) {
    size_t w = n0 + nc - j0 < EW_GEMM_NR ? n0 + nc - j0 : EW_GEMM_NR;
    for (size_t k = k0; k < k0 + kc; k++, dst += EW_GEMM_NR) {
      if (!src->transposed) {
        memcpy(dst, src->b + k * src->ldb + j0, w * sizeof(float));
      } else {
        /* B[k][j] stored at b[j * ldb + k] (FC with a batch: B = X^T) */
        for (size_t j = 0; j < w; j++) dst[j] = src->b[(j0 + j) * src->ldb + k];
      }
      for (size_t j = w; j < EW_GEMM_NR; j++) dst[j] = 0.0f;
    }
  }
  *panel_stride = kc * EW_GEMM_NR;
  return scratch;
}

static void post_activation(const ew_gemm_problem *g, size_t m0, size_t m1, size_t n0,
                            size_t n1) {
  for (size_t m = m0; m < m1; m++) ew_act_apply(g->act, g->c + m * g->ldc + n0, n1 - n0);
}

void ew_sgemm_range(const ew_gemm_ops *ops, const ew_gemm_problem *g, size_t p0, size_t p1,
                    size_t n0, size_t n1, float *scratch) {
  float lo = 0, hi = 0;
  int clamp = g->act ? ew_act_as_clamp(g->act, &lo, &hi) : 0;
  int post = g->act && g->act->kind != EW_ACT_NONE && !clamp;
  size_t m_end = p1 * EW_GEMM_MR < g->M ? p1 * EW_GEMM_MR : g->M;
  if (p0 >= p1 || n0 >= n1) return;
  /* A narrow B (Winograd on small images, FC batches) fits whole in scratch: then one K block
   * reads every A panel front to back once, which the prefetchers stream at full bandwidth */
  size_t kblk = KC, wide = (n1 - n0 + EW_GEMM_NR - 1) / EW_GEMM_NR * EW_GEMM_NR;
  if (wide <= NC && g->K * wide <= (size_t)KC * NC) kblk = g->K ? g->K : 1;
  for (size_t jc = n0; jc < n1; jc += NC) {
    size_t nc = n1 - jc < NC ? n1 - jc : NC;
    for (size_t pc = 0; pc < g->K || pc == 0; pc += kblk) {
      size_t kc = g->K - pc < kblk ? g->K - pc : kblk;
      size_t stride = 0;
      const float *bblk = g->get_b(g->b_ctx, pc, kc, jc, nc, scratch, &stride);
      ew_ukernel_args args = {NULL, lo, hi, pc == 0, pc + kblk >= g->K, clamp};
      for (size_t p = p0; p < p1; p++) {
        size_t m = p * EW_GEMM_MR;
        size_t mr = g->M - m < EW_GEMM_MR ? g->M - m : EW_GEMM_MR;
        const float *ap = g->a + p * g->K * EW_GEMM_MR + pc * EW_GEMM_MR;
        args.bias = g->bias ? g->bias + m : NULL;
        for (size_t j = jc; j < jc + nc; j += EW_GEMM_NR) {
          size_t nr = jc + nc - j < EW_GEMM_NR ? jc + nc - j : EW_GEMM_NR;
          const float *bp = bblk + (j - jc) / EW_GEMM_NR * stride;
          (nr <= 4 ? ops->ukernel_n4 : ops->ukernel)(kc, ap, bp, g->c + m * g->ldc + j, g->ldc,
                                                      mr, nr, &args);
        }
      }
      if (g->K == 0) break;
    }
    if (post) post_activation(g, p0 * EW_GEMM_MR, m_end, jc, jc + nc);
  }
}

typedef struct split_ctx {
  const ew_gemm_ops *ops;
  const ew_gemm_problem *g;
  float *scratch;
  size_t parts, by_n, panels;
} split_ctx;

static void split_task(void *vctx, size_t t, int thread) {
  const split_ctx *s = vctx;
  float *scratch = s->scratch + (size_t)thread * ew_sgemm_scratch_floats();
  if (s->by_n) {
    size_t tiles = (s->g->N + EW_GEMM_NR - 1) / EW_GEMM_NR;
    size_t a = tiles * t / s->parts, b = tiles * (t + 1) / s->parts;
    size_t n1 = b * EW_GEMM_NR < s->g->N ? b * EW_GEMM_NR : s->g->N;
    ew_sgemm_range(s->ops, s->g, 0, s->panels, a * EW_GEMM_NR, n1, scratch);
  } else {
    size_t a = s->panels * t / s->parts, b = s->panels * (t + 1) / s->parts;
    ew_sgemm_range(s->ops, s->g, a, b, 0, s->g->N, scratch);
  }
}

void ew_sgemm(const ew_gemm_ops *ops, const ew_gemm_problem *g, ew_pool *pool,
              float *scratch) {
  size_t threads = (size_t)ew_pool_threads(pool);
  size_t panels = (g->M + EW_GEMM_MR - 1) / EW_GEMM_MR;
  size_t tiles = (g->N + EW_GEMM_NR - 1) / EW_GEMM_NR;
  split_ctx s = {ops, g, scratch, threads, 1, panels};
  /* Split the wide dimension: each thread then packs only its own part of B. */
  if (tiles < 2 * threads && panels > tiles) s.by_n = 0;
  size_t units = s.by_n ? tiles : panels;
  if (s.parts > units) s.parts = units ? units : 1;
  ew_pool_run(pool, s.parts, split_task, &s);
}
