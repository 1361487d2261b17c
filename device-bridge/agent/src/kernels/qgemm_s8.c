/* int8 GEMM driver, operand packing and int8 convolution (im2col fused into B packing, 1x1).
 * K is never blocked: a column block of B is packed over all of K (at most EW_QGEMM_MAX_K), so
 * each 8x8 tile is finished in one micro-kernel call and requantized straight away. */
#include <string.h>
#include "edgewise/rt.h"
#include "kernels.h"
#include "kernels_s8.h"
#include "../runtime/threadpool.h"

#define QNC_BYTES (64 * 1024) /* B block budget per thread: stays in L2 next to an A panel */

static size_t kblocks(size_t K) { return (K + 3) / 4; }

size_t ew_qpack_a_bytes(size_t R, size_t K) {
  return (R + EW_QGEMM_MR - 1) / EW_QGEMM_MR * kblocks(K) * 32;
}

int ew_qpack_a_s8(size_t R, size_t K, const int8_t *a, size_t lda, int8_t *packed,
                  int32_t *rowsum) {
  size_t P = (R + EW_QGEMM_MR - 1) / EW_QGEMM_MR, kq = kblocks(K);
  memset(packed, 0, ew_qpack_a_bytes(R, K));
  for (size_t p = 0; p < P; p++)
    for (size_t r = 0; r < EW_QGEMM_MR && p * EW_QGEMM_MR + r < R; r++) {
      const int8_t *row = a + (p * EW_QGEMM_MR + r) * lda;
      for (size_t k = 0; k < K; k++) packed[(p * kq + k / 4) * 32 + r * 4 + k % 4] = row[k];
    }
  return ew_qpacked_a_stats(R, K, packed, rowsum);
}

int ew_qpacked_a_stats(size_t R, size_t K, const int8_t *packed, int32_t *rowsum) {
  size_t kq = kblocks(K);
  int safe = 1;
  for (size_t m = 0; m < R; m++) {
    size_t p = m / EW_QGEMM_MR, r = m % EW_QGEMM_MR;
    int32_t sum = 0;
    for (size_t q = 0; q < kq; q++)
      for (size_t j = 0; j < 4; j++) {
        int8_t v = packed[(p * kq + q) * 32 + r * 4 + j];
        sum += v;
        safe &= v != -128;
      }
    rowsum[m] = sum;
  }
  return safe;
}

void ew_qpack_b_matrix(const void *ctx, size_t n0, size_t nc, size_t K, int8_t *dst) {
  const ew_qb_matrix *m = ctx;
  size_t kq = kblocks(K);
  for (size_t j0 = n0; j0 < n0 + nc; j0 += EW_QGEMM_NR, dst += kq * 32) {
    size_t w = n0 + nc - j0 < EW_QGEMM_NR ? n0 + nc - j0 : EW_QGEMM_NR;
    memset(dst, 0, kq * 32);
    for (size_t c = 0; c < w; c++) {
      size_t n = j0 + c;
      for (size_t k = 0; k < K; k++) {
        uint8_t v = m->transposed ? m->x[n * m->ldx + k] : m->x[k * m->ldx + n];
        dst[(k / 4) * 32 + c * 4 + k % 4] = (int8_t)(v ^ m->flip);
      }
    }
  }
}

size_t ew_qgemm_scratch_bytes(size_t K) {
  size_t panel = kblocks(K) * 32;
  size_t panels = QNC_BYTES / panel;
  if (panels < 1) panels = 1;
  return panels * panel + 64;
}

/* columns per B block for this K: a whole number of NR panels within the budget */
static size_t block_cols(size_t K) {
  return (ew_qgemm_scratch_bytes(K) - 64) / (kblocks(K) * 32) * EW_QGEMM_NR;
}

static void qgemm_range(const ew_qgemm_ops *ops, const ew_qgemm_problem *g, size_t p0,
                        size_t p1, size_t n0, size_t n1, int8_t *scratch) {
  size_t kq = kblocks(g->K), nb = block_cols(g->K);
  size_t esize = g->q->out_type == EW_QT_F32 ? 4 : 1;
  int32_t tile[EW_QGEMM_MR * EW_QGEMM_NR];
  for (size_t jc = n0; jc < n1; jc += nb) {
    size_t nc = n1 - jc < nb ? n1 - jc : nb;
    g->pack_b(g->b_ctx, jc, nc, g->K, scratch);
    for (size_t p = p0; p < p1; p++) {
      size_t m = p * EW_QGEMM_MR, mr = g->M - m < EW_QGEMM_MR ? g->M - m : EW_QGEMM_MR;
      const int8_t *ap = g->a + p * kq * 32;
      for (size_t j = jc; j < jc + nc; j += EW_QGEMM_NR) {
        size_t nr = jc + nc - j < EW_QGEMM_NR ? jc + nc - j : EW_QGEMM_NR;
        const int8_t *bp = scratch + (j - jc) / EW_QGEMM_NR * kq * 32;
        if (nr == 1) { /* a single column: the GEMV kernel, no 7 wasted columns */
          int32_t col[EW_QGEMM_MR];
          ops->gemv(kq, ap, bp, col, g->a_pairs_safe);
          for (size_t r = 0; r < EW_QGEMM_MR; r++) tile[r * EW_QGEMM_NR] = col[r];
        } else {
          ops->ukernel(kq, ap, bp, tile, g->a_pairs_safe);
        }
        ops->epilogue(tile, mr, nr, g->q, m, (char *)g->y + (m * g->rs + j * g->cs) * esize,
                      g->rs, g->cs);
      }
    }
  }
}

typedef struct qsplit {
  const ew_qgemm_ops *ops;
  const ew_qgemm_problem *g;
  int8_t *scratch;
  size_t parts, by_n, panels, tiles;
} qsplit;

static void qsplit_task(void *vctx, size_t t, int thread) {
  const qsplit *s = vctx;
  int8_t *scratch = s->scratch + (size_t)thread * ew_qgemm_scratch_bytes(s->g->K);
  if (s->by_n) {
    size_t a = s->tiles * t / s->parts, b = s->tiles * (t + 1) / s->parts;
    size_t n1 = b * EW_QGEMM_NR < s->g->N ? b * EW_QGEMM_NR : s->g->N;
    qgemm_range(s->ops, s->g, 0, s->panels, a * EW_QGEMM_NR, n1, scratch);
  } else {
    size_t a = s->panels * t / s->parts, b = s->panels * (t + 1) / s->parts;
    qgemm_range(s->ops, s->g, a, b, 0, s->g->N, scratch);
  }
}

void ew_qgemm(const ew_qgemm_ops *ops, const ew_qgemm_problem *g, ew_pool *pool,
              int8_t *scratch) {
  size_t threads = (size_t)ew_pool_threads(pool);
  qsplit s = {ops, g, scratch, threads, 1, (g->M + EW_QGEMM_MR - 1) / EW_QGEMM_MR,
              (g->N + EW_QGEMM_NR - 1) / EW_QGEMM_NR};
  /* split the wide dimension, so each thread packs only its own columns of B */
  if (s.tiles < 2 * threads && s.panels > s.tiles) s.by_n = 0;
  size_t units = s.by_n ? s.tiles : s.panels;
  if (s.parts > units) s.parts = units ? units : 1;
  ew_pool_run(pool, s.parts, qsplit_task, &s);
}

const ew_qgemm_ops *ew_qgemm_ops_for_cpu(void) {
  return (ew_cpu_features() & EW_CPU_DOTPROD) ? &ew_qgemm_ops_sdot : &ew_qgemm_ops_neon;
}

/* ---- convolution ------------------------------------------------------------------------ */
typedef struct qim2col {
  const ew_conv_shape *s;
  const uint8_t *x; /* first channel of the group, image n */
  uint8_t flip, pad;
} qim2col;

static void qpack_im2col(const void *ctx, size_t n0, size_t nc, size_t K, int8_t *dst) {
  const qim2col *src = ctx;
  const ew_conv_shape *s = src->s;
  size_t kq = kblocks(K);
  int8_t padv = (int8_t)(src->pad ^ src->flip);
  for (size_t j0 = n0; j0 < n0 + nc; j0 += EW_QGEMM_NR, dst += kq * 32) {
    size_t w = n0 + nc - j0 < EW_QGEMM_NR ? n0 + nc - j0 : EW_QGEMM_NR;
    int iy0[EW_QGEMM_NR], ix0[EW_QGEMM_NR];
    for (size_t c = 0; c < w; c++) {
      iy0[c] = (int)((j0 + c) / (size_t)s->ow) * s->sh - s->pt;
      ix0[c] = (int)((j0 + c) % (size_t)s->ow) * s->sw - s->pl;
    }
    memset(dst, 0, kq * 32);
    size_t k = 0;
    for (int ci = 0; ci < s->c / s->group; ci++)
      for (int ky = 0; ky < s->kh; ky++)
        for (int kx = 0; kx < s->kw; kx++, k++) {
          const uint8_t *xc = src->x + (size_t)ci * s->h * s->w;
          int8_t *d = dst + (k / 4) * 32 + k % 4;
          for (size_t c = 0; c < w; c++) {
            int iy = iy0[c] + ky * s->dh, ix = ix0[c] + kx * s->dw;
            d[c * 4] = (iy >= 0 && iy < s->h && ix >= 0 && ix < s->w)
                           ? (int8_t)(xc[(size_t)iy * s->w + ix] ^ src->flip) : padv;
          }
        }
  }
}

static void qconv(const ew_qconv_args *a, int im2col) {
  const ew_conv_shape *s = a->s;
  size_t G = (size_t)s->group, Mg = (size_t)s->m / G, Cg = (size_t)s->c / G;
  size_t K = Cg * s->kh * s->kw, HW = (size_t)s->h * s->w, OHW = (size_t)s->oh * s->ow;
  size_t esize = a->q->out_type == EW_QT_F32 ? 4 : 1;
  for (size_t n = 0; n < (size_t)s->n; n++)
    for (size_t g = 0; g < G; g++) {
      const uint8_t *x = a->x + (n * s->c + g * Cg) * HW;
      qim2col col = {s, x, a->flip, a->pad};
      ew_qb_matrix mat = {x, HW, HW, 0, a->flip};
      ew_qrows rows = *a->q;
      rows.corr += g * Mg;
      rows.mult += g * Mg;
      rows.add += g * Mg;
      ew_qgemm_problem p = {Mg, OHW, K, a->w + g * ew_qpack_a_bytes(Mg, K), a->w_pairs_safe,
                            im2col ? qpack_im2col : ew_qpack_b_matrix,
                            im2col ? (const void *)&col : (const void *)&mat, &rows,
                            (char *)a->y + (n * s->m + g * Mg) * OHW * esize, OHW, 1};
      ew_qgemm(a->ops, &p, a->pool, a->ws);
    }
}

void ew_qconv_im2col(const ew_qconv_args *a) { qconv(a, 1); }
void ew_qconv_1x1(const ew_qconv_args *a) { qconv(a, 0); }
