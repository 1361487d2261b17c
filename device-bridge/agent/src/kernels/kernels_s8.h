/* int8 kernels: per-channel symmetric int8 weights, per-tensor asymmetric uint8/int8
 * activations, int32 accumulation, requantization with a float scale (see runtime.md
 * "Numerics, int8"). Plain arrays in and out, like kernels.h.
 *
 * GEMM operands. A (weights, M x K) is packed once at load into MR=8 row panels whose K is cut
 * into blocks of 4: panel p, block q holds 32 bytes, row r at bytes [4r, 4r+4) =
 * A[8p+r][4q..4q+3] (zero beyond M or K). B (activations, K x N) is packed per column block
 * into NR=8 column panels with the same k blocks: column c at bytes [4c, 4c+4). Both micro-
 * kernels (SDOT and widening multiply) and the scalar twin read these same layouts, so a plan
 * runs unchanged on CPUs with and without the dot-product extension.
 *
 * Activations enter B as int8: uint8 values are flipped to x - 128 (xor 0x80) and their zero
 * point moves by -128 too, so one signed x signed product serves both input types. */
#ifndef EW_KERNELS_S8_H
#define EW_KERNELS_S8_H
#include <math.h>
#include <stddef.h>
#include <stdint.h>

struct ew_pool;

#define EW_QGEMM_MR 8
#define EW_QGEMM_NR 8
/* |acc| <= K * 128 * 128 must stay inside int32 with room for the bias correction */
#define EW_QGEMM_MAX_K 65536

enum { EW_QT_F32 = 0, EW_QT_U8 = 1, EW_QT_S8 = 2 };

/* Per output row (channel) requantization, all precomputed at load:
 *   f = (float)(acc + corr[m]) * mult[m] + add[m], clamped to [lo, hi];
 *   F32 output: y = f;  U8/S8 output: y = round_half_even(f) + zp.
 * corr folds the int32 bias and the input zero point (-zx * rowsum(W)); for a quantized
 * output mult = sx * sw[m] / sy and add = float_bias[m] / sy, and lo/hi are qmin - zp and
 * qmax - zp narrowed by a fused Relu/Clip. */
typedef struct ew_qrows {
  const int32_t *corr;
  const float *mult, *add;
  int out_type;
  int32_t zp;
  float lo, hi;
} ew_qrows;

/* The one formula both the NEON and the scalar epilogues compute (bit-identical). */
static inline float ew_qreal(int32_t acc, int32_t corr, float mult, float add, float lo,
                             float hi) {
  float f = (float)(acc + corr);
  f = f * mult;
  f = f + add;
  f = fmaxf(f, lo);
  return fminf(f, hi);
}

/* t: 8x8 int32 tile, row-major (row = output channel). kq = number of 4-deep k blocks.
 * pairs_safe: A holds no -128, so two products fit an int16 (widening kernel only). */
typedef void (*ew_qgemm_ukernel_fn)(size_t kq, const int8_t *a, const int8_t *b, int32_t *t,
                                    int pairs_safe);
/* Writes rows [0, mr) x columns [0, nr) of tile t to y (element strides rs per row, cs per
 * column), rows m0.. of q. */
typedef void (*ew_qepilogue_fn)(const int32_t *t, size_t mr, size_t nr, const ew_qrows *q,
                                size_t m0, void *y, size_t rs, size_t cs);
/* One column (a GEMV: fully connected at batch 1, and 1-wide edge tiles): t[r] for the 8 rows
 * of panel a, B the usual packed panel of which only column 0 is read. */
typedef void (*ew_qgemv_fn)(size_t kq, const int8_t *a, const int8_t *b, int32_t *t, int pairs_safe);
typedef struct ew_qgemm_ops {
  const char *name;
  ew_qgemm_ukernel_fn ukernel;
  ew_qgemv_fn gemv;
  ew_qepilogue_fn epilogue;
  /* y = saturate(round_half_even(x / s) + zp), type EW_QT_U8 or EW_QT_S8 */
  void (*quantize)(const float *x, size_t n, float s, int32_t zp, int type, void *y);
  /* y = (x - zp) * s */
  void (*dequantize)(const void *x, size_t n, float s, int32_t zp, int type, float *y);
} ew_qgemm_ops;

void ew_qgemm_8x8_s8_sdot(size_t kq, const int8_t *a, const int8_t *b, int32_t *t, int ps);
void ew_qgemm_8x8_s8_neon(size_t kq, const int8_t *a, const int8_t *b, int32_t *t, int ps);
void ew_qgemm_8x8_s8_scalar(size_t kq, const int8_t *a, const int8_t *b, int32_t *t, int ps);
void ew_qgemv_8_s8_sdot(size_t kq, const int8_t *a, const int8_t *b, int32_t *t, int ps);
void ew_qgemv_8_s8_neon(size_t kq, const int8_t *a, const int8_t *b, int32_t *t, int ps);
void ew_qgemv_8_s8_scalar(size_t kq, const int8_t *a, const int8_t *b, int32_t *t, int ps);
void ew_qepilogue_neon(const int32_t *t, size_t mr, size_t nr, const ew_qrows *q, size_t m0,
                       void *y, size_t rs, size_t cs);
void ew_qepilogue_scalar(const int32_t *t, size_t mr, size_t nr, const ew_qrows *q, size_t m0,
                         void *y, size_t rs, size_t cs);
void ew_quantize_neon(const float *x, size_t n, float s, int32_t zp, int type, void *y);
void ew_quantize_scalar(const float *x, size_t n, float s, int32_t zp, int type, void *y);
void ew_dequantize_neon(const void *x, size_t n, float s, int32_t zp, int type, float *y);
void ew_dequantize_scalar(const void *x, size_t n, float s, int32_t zp, int type, float *y);

/* SDOT (needs the CPU's asimddp), widening multiply (any ARMv8), scalar twin. */
extern const ew_qgemm_ops ew_qgemm_ops_sdot, ew_qgemm_ops_neon, ew_qgemm_ops_scalar;
/* The set this CPU runs: SDOT when ew_cpu_features() reports dotprod, else the widening
 * kernel (Cortex-A53/A72, and the x86 host, whose features are 0; tests call all three). */
const ew_qgemm_ops *ew_qgemm_ops_for_cpu(void);

size_t ew_qpack_a_bytes(size_t R, size_t K);
/* Packs A (R x K, row stride lda); rowsum[r] = sum of row r; returns 1 when A holds no -128. */
int ew_qpack_a_s8(size_t R, size_t K, const int8_t *a, size_t lda, int8_t *packed,
                  int32_t *rowsum);
/* rowsum and the -128 test from an already packed A */
int ew_qpacked_a_stats(size_t R, size_t K, const int8_t *packed, int32_t *rowsum);

/* Packs columns [n0, n0 + nc) of B, all of K, into ceil(nc / 8) panels of kq * 32 bytes. */
typedef void (*ew_qpack_b_fn)(const void *ctx, size_t n0, size_t nc, size_t K, int8_t *dst);

typedef struct ew_qgemm_problem {
  size_t M, N, K;
  const int8_t *a;
  int a_pairs_safe;
  ew_qpack_b_fn pack_b;
  const void *b_ctx;
  const ew_qrows *q;
  void *y;          /* element type q->out_type */
  size_t rs, cs;    /* element strides of y per row (M) and per column (N) */
} ew_qgemm_problem;

size_t ew_qgemm_scratch_bytes(size_t K); /* per thread */
void ew_qgemm(const ew_qgemm_ops *ops, const ew_qgemm_problem *g, struct ew_pool *pool,
              int8_t *scratch);

/* B sources. Row-major: B[k][n] = x[k * ldx + n]; transposed: B[k][n] = x[n * ldx + k]
 * (fully connected, x = [batch][K]). flip: 0x80 for uint8 activations, 0 for int8. */
typedef struct ew_qb_matrix {
  const uint8_t *x;
  size_t ldx, N;
  int transposed;
  uint8_t flip;
} ew_qb_matrix;
void ew_qpack_b_matrix(const void *ctx, size_t n0, size_t nc, size_t K, int8_t *dst);

/* int8 convolution (ew_conv_shape from kernels.h). */
struct ew_conv_shape;
typedef struct ew_qconv_args {
  const struct ew_conv_shape *s;
  const uint8_t *x;        /* input bytes, NCHW */
  uint8_t flip;            /* 0x80 for uint8 input */
  uint8_t pad;             /* the input's zero point as stored (padding is real 0) */
  const int8_t *w;         /* packed A per group (group g at g * ew_qpack_a_bytes(M/G, K)) */
  int w_pairs_safe;
  const ew_qrows *q;       /* rows of all M channels */
  void *y;
  int8_t *ws;              /* threads * ew_qgemm_scratch_bytes(K) */
  struct ew_pool *pool;
  const ew_qgemm_ops *ops;
} ew_qconv_args;
/* im2col fused into B packing (no column buffer); 1x1 stride 1 reads the input as B directly */
void ew_qconv_im2col(const ew_qconv_args *a);
void ew_qconv_1x1(const ew_qconv_args *a);
#endif
