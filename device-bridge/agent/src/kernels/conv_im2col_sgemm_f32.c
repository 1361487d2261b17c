/* Convolution as GEMM: Y[M][OH*OW] = W[M][C*kh*kw] x col[C*kh*kw][OH*OW] per group.
 * im2col is fused into B packing, so the full column matrix is never materialized (the
 * classic im2col buffer is C*kh*kw*OH*OW floats); 1x1 stride-1 convs skip im2col entirely. */
#include <string.h>
#include "kernels.h"
#include "f16.h"
#include "../runtime/threadpool.h"

typedef struct im2col_src {
  const ew_conv_shape *s;
  const float *x; /* first input channel of the group, batch n */
} im2col_src;

static void pack_column(const ew_conv_shape *s, const float *x, int c, int ky, int kx,
                        const int *iy0, const int *ix0, size_t w, float *dst) {
  const float *xc = x + (size_t)c * s->h * s->w;
  int dy = ky * s->dh, dx = kx * s->dw;
  for (size_t j = 0; j < w; j++) {
    int iy = iy0[j] + dy, ix = ix0[j] + dx;
    dst[j] = (iy >= 0 && iy < s->h && ix >= 0 && ix < s->w) ? xc[(size_t)iy * s->w + ix] : 0.0f;
  }
  for (size_t j = w; j < EW_GEMM_NR; j++) dst[j] = 0.0f;
}

static const float *im2col_get_b(void *ctx, size_t k0, size_t kc, size_t n0, size_t nc,
                                 float *scratch, size_t *panel_stride) {
  const im2col_src *src = ctx;
  const ew_conv_shape *s = src->s;
  int khw = s->kh * s->kw;
  float *dst = scratch;
  for (size_t j0 = n0; j0 < n0 + nc; j0 += EW_GEMM_NR) {
    size_t w = n0 + nc - j0 < EW_GEMM_NR ? n0 + nc - j0 : EW_GEMM_NR;
    int iy0[EW_GEMM_NR], ix0[EW_GEMM_NR];
    for (size_t j = 0; j < w; j++) {
      int oy = (int)((j0 + j) / (size_t)s->ow), ox = (int)((j0 + j) % (size_t)s->ow);
      iy0[j] = oy * s->sh - s->pt;
      ix0[j] = ox * s->sw - s->pl;
    }
    /* a full panel on one output row reads 12 input floats sw apart (contiguous at stride 1):
     * inside the image that needs no per-element bounds check */
    int row = w == EW_GEMM_NR && iy0[0] == iy0[w - 1];
    int span = (EW_GEMM_NR - 1) * s->sw;
    for (size_t k = k0; k < k0 + kc; k++, dst += EW_GEMM_NR) {
      int c = (int)(k / (size_t)khw), r = (int)(k % (size_t)khw);
      int ky = r / s->kw, kx = r % s->kw;
      int iy = iy0[0] + ky * s->dh, ix = ix0[0] + kx * s->dw;
      if (row && iy >= 0 && iy < s->h && ix >= 0 && ix + span < s->w) {
        const float *xr = src->x + ((size_t)c * s->h + iy) * s->w + ix;
        if (s->sw == 1) {
          memcpy(dst, xr, EW_GEMM_NR * sizeof(float));
        } else {
          for (int j = 0; j < EW_GEMM_NR; j++) dst[j] = xr[j * s->sw];
        }
      } else {
        pack_column(s, src->x, c, ky, kx, iy0, ix0, w, dst);
      }
    }
  }
  *panel_stride = kc * EW_GEMM_NR;
  return scratch;
}

static size_t gemm_k(const ew_conv_shape *s) {
  return (size_t)(s->c / s->group) * s->kh * s->kw;
}

static size_t packed_floats(const ew_conv_shape *s) {
  return (size_t)s->group * ew_pack_a_floats((size_t)(s->m / s->group), gemm_k(s));
}

static int pack(const ew_conv_shape *s, const float *oihw, float *packed) {
  size_t mg = (size_t)(s->m / s->group), K = gemm_k(s);
  size_t per = ew_pack_a_floats(mg, K);
  for (int g = 0; g < s->group; g++)
    ew_pack_a_f32(mg, K, oihw + (size_t)g * mg * K, K, packed + (size_t)g * per);
  return 0;
}

static size_t workspace(const ew_conv_shape *s, int nthreads) {
  (void)s;
  return (size_t)nthreads * ew_sgemm_scratch_floats();
}

static void run_gemms(const ew_conv_args *a, int direct_b) {
  const ew_conv_shape *s = a->s;
  size_t mg = (size_t)(s->m / s->group), cg = (size_t)(s->c / s->group);
  size_t K = gemm_k(s), N = (size_t)s->oh * s->ow, hw = (size_t)s->h * s->w;
  size_t per = ew_pack_a_floats(mg, K);
  for (int n = 0; n < s->n; n++)
    for (int g = 0; g < s->group; g++) {
      const float *x = a->x + ((size_t)n * s->c + (size_t)g * cg) * hw;
      im2col_src src = {s, x};
      ew_b_rowmajor rm = {x, hw, hw, 0};
      ew_gemm_problem p = {mg, N, K, a->w + (size_t)g * per,
                           direct_b ? ew_get_b_rowmajor : im2col_get_b,
                           direct_b ? (void *)&rm : (void *)&src,
                           a->y + ((size_t)n * s->m + (size_t)g * mg) * N, N,
                           a->bias ? a->bias + (size_t)g * mg : NULL, a->act};
      ew_sgemm(a->gemm, &p, a->pool, a->ws);
    }
}

static void run_im2col(const ew_conv_args *a) { run_gemms(a, 0); }
static void run_1x1(const ew_conv_args *a) { run_gemms(a, 1); }

static const char *any(const ew_conv_shape *s) { (void)s; return NULL; }

static const char *only_1x1(const ew_conv_shape *s) {
  if (s->kh != 1 || s->kw != 1) return "needs a 1x1 kernel";
  if (s->sh != 1 || s->sw != 1) return "needs strides 1";
  if (s->pt || s->pl || s->pb || s->pr) return "needs pads 0";
  return NULL;
}

const ew_conv_algo ew_algo_conv_im2col_sgemm_f32 = {
    "conv_im2col_sgemm_f32", 2, any, packed_floats, pack, workspace, run_im2col};
const ew_conv_algo ew_algo_conv1x1_sgemm_f32 = {
    "conv1x1_sgemm_f32", 3, only_1x1, packed_floats, pack, workspace, run_1x1};

/* The same GEMMs in fp16 arithmetic (f16.h): identical B sources, A as packed halves. */
void ew_conv_gemm_f16(const ew_hgemm_ops *ops, const ew_conv_args *a, const ew_f16 *w16,
                      int direct_b) {
  const ew_conv_shape *s = a->s;
  size_t mg = (size_t)(s->m / s->group), cg = (size_t)(s->c / s->group);
  size_t K = gemm_k(s), N = (size_t)s->oh * s->ow, hw = (size_t)s->h * s->w;
  size_t per = ew_pack_a_floats(mg, K);
  for (int n = 0; n < s->n; n++)
    for (int g = 0; g < s->group; g++) {
      const float *x = a->x + ((size_t)n * s->c + (size_t)g * cg) * hw;
      im2col_src src = {s, x};
      ew_b_rowmajor rm = {x, hw, hw, 0};
      ew_gemm_problem p = {mg, N, K, NULL, direct_b ? ew_get_b_rowmajor : im2col_get_b,
                           direct_b ? (void *)&rm : (void *)&src,
                           a->y + ((size_t)n * s->m + (size_t)g * mg) * N, N,
                           a->bias ? a->bias + (size_t)g * mg : NULL, a->act};
      ew_hgemm(ops, &p, w16 + (size_t)g * per, a->pool, a->ws);
    }
}
