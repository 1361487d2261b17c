/* Kernel-level API: plain arrays in, plain arrays out, no plan types. The runtime adapts plan
 * ops to these (src/runtime/ops_*.c); tests and the bench call them directly. */
#ifndef EW_KERNELS_H
#define EW_KERNELS_H
#include <stddef.h>
#include <stdint.h>

struct ew_pool;

/* Activation kinds share their numbers with edgewise.plan.ActivationKind. */
enum { EW_ACT_NONE = 0, EW_ACT_RELU = 1, EW_ACT_CLIP = 2, EW_ACT_LEAKYRELU = 3,
       EW_ACT_SIGMOID = 4, EW_ACT_HARDSIGMOID = 5, EW_ACT_HARDSWISH = 6, EW_ACT_TANH = 7,
       EW_ACT_COUNT = 8 };

typedef struct ew_act {
  int kind;
  float alpha, beta;
} ew_act;

/* Activations that are a clamp are applied in registers by GEMM epilogues; the others run as
 * a pass over the freshly written (still cached) output block. */
int ew_act_as_clamp(const ew_act *act, float *lo, float *hi);

typedef void (*ew_act_fn)(const ew_act *act, float *x, size_t n);
void ew_act_f32_neon(const ew_act *act, float *x, size_t n);
void ew_act_f32_scalar(const ew_act *act, float *x, size_t n);
void ew_act_apply(const ew_act *act, float *x, size_t n); /* dispatched (NEON) */

/* ---- GEMM ---------------------------------------------------------------------------- */
#define EW_GEMM_MR 8
#define EW_GEMM_NR 12

/* C[8x12] (only mr x nr valid) = (first ? bias : C) + A panel * B panel over kc;
 * on the last K block the clamp [lo, hi] is applied when clamp is set. */
typedef struct ew_ukernel_args {
  const float *bias; /* mr values or NULL */
  float lo, hi;
  int first, last, clamp;
} ew_ukernel_args;

typedef void (*ew_gemm_ukernel_fn)(size_t kc, const float *a, const float *b, float *c,
                                   size_t ldc, size_t mr, size_t nr, const ew_ukernel_args *p);
/* y[R] = A(packed, R x K) x[K] (+ bias), for rows [p0*8, p1*8) of the panels */
typedef void (*ew_gemv_fn)(size_t p0, size_t p1, size_t R, size_t K, const float *a,
                           const float *x, const float *bias, float *y);

typedef struct ew_gemm_ops {
  const char *name;
  ew_gemm_ukernel_fn ukernel;
  ew_gemm_ukernel_fn ukernel_n4; /* same contract, used when nr <= 4 */
  ew_gemv_fn gemv;
} ew_gemm_ops;

void ew_gemm_8x12_f32_neon(size_t kc, const float *a, const float *b, float *c, size_t ldc,
                           size_t mr, size_t nr, const ew_ukernel_args *p);
void ew_gemm_8x4_f32_neon(size_t kc, const float *a, const float *b, float *c, size_t ldc,
                          size_t mr, size_t nr, const ew_ukernel_args *p);
void ew_gemm_8x12_f32_scalar(size_t kc, const float *a, const float *b, float *c, size_t ldc,
                             size_t mr, size_t nr, const ew_ukernel_args *p);
void ew_gemv_8_f32_neon(size_t p0, size_t p1, size_t R, size_t K, const float *a,
                        const float *x, const float *bias, float *y);
void ew_gemv_8_f32_scalar(size_t p0, size_t p1, size_t R, size_t K, const float *a,
                          const float *x, const float *bias, float *y);

extern const ew_gemm_ops ew_gemm_ops_neon;
extern const ew_gemm_ops ew_gemm_ops_scalar;

/* Produces the packed B block for rows [k0, k0+kc) and columns [n0, n0+nc) (n0 a multiple of
 * NR): either fills scratch and returns it, or returns a pointer into already packed data.
 * *panel_stride is the float distance between consecutive NR panels of the block. */
typedef const float *(*ew_get_b_fn)(void *ctx, size_t k0, size_t kc, size_t n0, size_t nc,
                                    float *scratch, size_t *panel_stride);

typedef struct ew_gemm_problem {
  size_t M, N, K;
  const float *a;       /* packed A, MR8 panels over the full K */
  ew_get_b_fn get_b;
  void *b_ctx;
  float *c;
  size_t ldc;
  const float *bias;    /* M values or NULL */
  const ew_act *act;    /* NULL = none */
} ew_gemm_problem;

size_t ew_pack_a_floats(size_t R, size_t K);
void ew_pack_a_f32(size_t R, size_t K, const float *a, size_t lda, float *packed);
size_t ew_sgemm_scratch_floats(void); /* per thread */
/* Runs one problem on the calling thread over columns [n0, n1) and row panels [p0, p1). */
void ew_sgemm_range(const ew_gemm_ops *ops, const ew_gemm_problem *g, size_t p0, size_t p1,
                    size_t n0, size_t n1, float *scratch);
/* Splits across the pool; scratch holds nthreads * ew_sgemm_scratch_floats(). */
void ew_sgemm(const ew_gemm_ops *ops, const ew_gemm_problem *g, struct ew_pool *pool,
              float *scratch);
/* Row-major B source: ctx is an ew_b_rowmajor. */
typedef struct ew_b_rowmajor { const float *b; size_t ldb; size_t N; int transposed; } ew_b_rowmajor;
const float *ew_get_b_rowmajor(void *ctx, size_t k0, size_t kc, size_t n0, size_t nc,
                               float *scratch, size_t *panel_stride);

/* ---- Convolution ----------------------------------------------------------------------- */
typedef struct ew_conv_shape {
  int n, c, h, w;               /* input NCHW */
  int m, kh, kw;                /* output channels, kernel */
  int sh, sw, dh, dw;           /* strides, dilations */
  int pt, pl, pb, pr;           /* pads top, left, bottom, right */
  int group;
  int oh, ow;                   /* derived by ew_conv_shape_finish */
} ew_conv_shape;

/* Fills oh/ow; returns 0, or -1 when the shape is impossible (checked arithmetic). */
int ew_conv_shape_finish(ew_conv_shape *s);

typedef struct ew_conv_args {
  const ew_conv_shape *s;
  const float *x;
  const float *w;               /* the algorithm's own layout (OIHW when packed_floats == 0) */
  const float *bias;            /* M or NULL */
  const ew_act *act;
  float *y;
  float *ws;                    /* workspace_floats(s, nthreads) */
  struct ew_pool *pool;
  const ew_gemm_ops *gemm;
} ew_conv_args;

typedef struct ew_conv_algo {
  const char *name;
  int kernel_id;                                        /* edgewise.plan.KernelId */
  const char *(*unsupported)(const ew_conv_shape *s);   /* NULL when supported, else why */
  size_t (*packed_floats)(const ew_conv_shape *s);      /* 0: runs on OIHW directly */
  int (*pack)(const ew_conv_shape *s, const float *oihw, float *packed);
  size_t (*workspace_floats)(const ew_conv_shape *s, int nthreads);
  void (*run)(const ew_conv_args *a);
} ew_conv_algo;

#define EW_CONV(ID, NAME) extern const ew_conv_algo ew_algo_##NAME;
#include "kernels.inc"
#undef EW_CONV

/* Depthwise 3x3 per-channel plane kernels; x is the zero-padded plane (ph x pw). */
typedef void (*ew_dw_plane_fn)(const float *xp, size_t pw, const float *w9, float bias,
                               float *y, size_t oh, size_t ow);
void ew_convdw3x3s1_f32_neon(const float *xp, size_t pw, const float *w9, float bias, float *y,
                             size_t oh, size_t ow);
void ew_convdw3x3s2_f32_neon(const float *xp, size_t pw, const float *w9, float bias, float *y,
                             size_t oh, size_t ow);
void ew_convdw3x3s1_f32_scalar(const float *xp, size_t pw, const float *w9, float bias,
                               float *y, size_t oh, size_t ow);
void ew_convdw3x3s2_f32_scalar(const float *xp, size_t pw, const float *w9, float bias,
                               float *y, size_t oh, size_t ow);
/* Test hook: which plane kernels the CONVDW algorithms use (NEON by default). */
extern ew_dw_plane_fn ew_convdw_s1_impl, ew_convdw_s2_impl;

/* Winograd F(4x4,3x3) (and F(2x2,3x3): 16 positions, 2 rows of 8) transforms of 4
 * horizontally adjacent tiles. in4: p is the top-left of
 * the first tile's 6x6 patch in a padded plane of row stride pw, u gets 36 x 4 floats
 * (position-major, lane = tile). out4: m[xi * mstride + k] is position xi of tile k; writes
 * 4 rows of 16 floats (tile k at columns 4k..4k+3) plus bias. */
typedef void (*ew_wino_in4_fn)(const float *p, size_t pw, float *u);
typedef void (*ew_wino_out4_fn)(const float *m, size_t mstride, float bias, float *y,
                                size_t ystride);
void ew_winograd_f43_input4_f32_neon(const float *p, size_t pw, float *u);
void ew_winograd_f43_output4_f32_neon(const float *m, size_t mstride, float bias, float *y,
                                      size_t ystride);
void ew_winograd_f43_input4_f32_scalar(const float *p, size_t pw, float *u);
void ew_winograd_f43_output4_f32_scalar(const float *m, size_t mstride, float bias, float *y,
                                        size_t ystride);
void ew_winograd_f23_input4_f32_neon(const float *p, size_t pw, float *u);
void ew_winograd_f23_output4_f32_neon(const float *m, size_t mstride, float bias, float *y,
                                      size_t ystride);
void ew_winograd_f23_input4_f32_scalar(const float *p, size_t pw, float *u);
void ew_winograd_f23_output4_f32_scalar(const float *m, size_t mstride, float bias, float *y,
                                        size_t ystride);
/* Test hooks: the transforms in use (NEON by default). */
extern ew_wino_in4_fn ew_winograd_f43_in4_impl, ew_winograd_f23_in4_impl;
extern ew_wino_out4_fn ew_winograd_f43_out4_impl, ew_winograd_f23_out4_impl;

/* ---- Fully connected ------------------------------------------------------------------ */
/* y[B][N] = x[B][K] W^T + bias, W packed as A (R = N). ws: ew_fc_workspace_floats. */
size_t ew_fc_workspace_floats(size_t B, size_t N, int nthreads);
void ew_fc_f32(const ew_gemm_ops *ops, size_t B, size_t N, size_t K, const float *x,
               const float *wpacked, const float *bias, const ew_act *act, float *y, float *ws,
               struct ew_pool *pool);

/* ---- Pooling ----------------------------------------------------------------------------- */
typedef struct ew_pool_shape {
  int n, c, h, w, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr;
  int ceil_mode, count_include_pad;
  int oh, ow;
} ew_pool_shape;
int ew_pool_shape_finish(ew_pool_shape *s);
void ew_maxpool_f32(const ew_pool_shape *s, const float *x, float *y);
void ew_avgpool_f32(const ew_pool_shape *s, const float *x, float *y);
void ew_global_avgpool_f32(size_t nc, size_t hw, const float *x, float *y);
void ew_global_maxpool_f32(size_t nc, size_t hw, const float *x, float *y);

/* ---- Elementwise binary with broadcasting ------------------------------------------------ */
#define EW_MAX_RANK 8
enum { EW_BIN_ADD = 0, EW_BIN_MUL = 1 };
/* inner loops: vv (both contiguous), vs (b is one scalar), sv (a is one scalar) */
typedef struct ew_binary_impl {
  const char *name;
  void (*vv)(int op, const float *a, const float *b, float *y, size_t n);
  void (*vs)(int op, const float *a, float b, float *y, size_t n);
} ew_binary_impl;
extern const ew_binary_impl ew_binary_f32_neon, ew_binary_f32_scalar;
/* Dims are right-aligned per numpy; returns -1 when the shapes do not broadcast to y. */
int ew_binary_f32(const ew_binary_impl *impl, int op, const float *a, const uint32_t *ad,
                  int ar, const float *b, const uint32_t *bd, int br, float *y,
                  const uint32_t *yd, int yr);

/* ---- Data movement and normalization ----------------------------------------------------- */
/* outer/inner split around axis: x viewed as [outer][axis][inner] */
void ew_concat_f32(size_t outer, size_t inner, size_t n, const float *const *xs,
                   const size_t *axis_dims, float *y);
void ew_split_f32(size_t outer, size_t inner, const float *x, size_t n, float *const *ys,
                  const size_t *axis_dims);
void ew_transpose_f32(const float *x, const uint32_t *xd, int rank, const uint32_t *perm,
                      float *y);
enum { EW_PAD_CONSTANT = 0, EW_PAD_REFLECT = 1, EW_PAD_EDGE = 2 };
void ew_pad_f32(const float *x, const uint32_t *xd, int rank, const uint32_t *pads, int mode,
                float value, float *y);
void ew_softmax_f32(size_t outer, size_t axis, size_t inner, const float *x, float *y);
void ew_lrn_f32(size_t n, size_t c, size_t hw, int size, float alpha, float beta, float bias,
                const float *x, float *y);
void ew_scale_shift_f32(size_t n, size_t c, size_t hw, const float *scale, const float *shift,
                        const ew_act *act, const float *x, float *y);

#endif
