/* fp16 (IEEE 754 binary16): conversions for weights stored as fp16 in the plan (widened once at
 * load, any ARMv8), and the fp16-arithmetic GEMM (ARMv8.2 FMLA .8h, chosen at run time when
 * the CPU has fphp + asimdhp). Halves travel as their bit patterns (ew_f16) so that the same
 * declarations serve the aarch64 build and the x86_64 host, where SIMDe emulates NEON. */
#ifndef EW_F16_H
#define EW_F16_H
#include <stddef.h>
#include <stdint.h>
#include "kernels.h"

typedef uint16_t ew_f16;

/* Round to nearest, ties to even; overflow to infinity, NaN stays NaN (quiet). */
ew_f16 ew_f32_to_f16_scalar(float f);
float ew_f16_to_f32_scalar(ew_f16 h);
void ew_f16_widen_f32_neon(const ew_f16 *h, float *f, size_t n);
void ew_f16_widen_f32_scalar(const ew_f16 *h, float *f, size_t n);
void ew_f32_narrow_f16_neon(const float *f, ew_f16 *h, size_t n);
void ew_f32_narrow_f16_scalar(const float *f, ew_f16 *h, size_t n);

/* ---- fp16 arithmetic GEMM ----------------------------------------------------------------
 * Same tile (8 x 12), same A panels (MR = 8, now halves) and the same B sources as the fp32
 * SGEMM. Products are accumulated in fp16 over chunks of EW_F16_CHUNK steps of K; each chunk's
 * partial sum is then added to an fp32 accumulator, so the fp16 rounding error grows with the
 * chunk length, not with K (plan-format.md "fp16 arithmetic" gives the bound). The bias is
 * added in fp32, activations run in fp32 on the output. */
#define EW_F16_CHUNK 32

typedef void (*ew_hgemm_ukernel_fn)(size_t kc, const ew_f16 *a, const ew_f16 *b, float *c,
                                    size_t ldc, size_t mr, size_t nr, const ew_ukernel_args *p);
/* y[R] = A(packed halves, R x K) x[K halves] (+ bias), rows [p0*8, p1*8) */
typedef void (*ew_hgemv_fn)(size_t p0, size_t p1, size_t R, size_t K, const ew_f16 *a,
                            const ew_f16 *x, const float *bias, float *y);
typedef struct ew_hgemm_ops {
  const char *name;
  ew_hgemm_ukernel_fn ukernel;
  ew_hgemv_fn gemv;
} ew_hgemm_ops;

void ew_hgemm_8x12_f16_scalar(size_t kc, const ew_f16 *a, const ew_f16 *b, float *c, size_t ldc,
                              size_t mr, size_t nr, const ew_ukernel_args *p);
void ew_hgemv_8_f16_scalar(size_t p0, size_t p1, size_t R, size_t K, const ew_f16 *a,
                           const ew_f16 *x, const float *bias, float *y);
extern const ew_hgemm_ops ew_hgemm_ops_scalar;
/* The FMLA .8h kernels; NULL in builds without them (x86_64 host). Call only when
 * ew_cpu_features() reports EW_CPU_FP16: elsewhere they raise SIGILL. */
const ew_hgemm_ops *ew_hgemm_ops_neon(void);

void ew_pack_a_f16(size_t R, size_t K, const float *a, size_t lda, ew_f16 *packed);
/* per-thread scratch of ew_hgemm, in floats (an fp32 B block and its fp16 copy) */
size_t ew_hgemm_scratch_floats(void);
/* g->a is ignored; a16 holds the packed halves. Same threading as ew_sgemm. */
void ew_hgemm(const ew_hgemm_ops *ops, const ew_gemm_problem *g, const ew_f16 *a16,
              struct ew_pool *pool, float *scratch);

/* Fully connected in fp16 arithmetic (w16 packed as A halves, R = N). */
size_t ew_fc_f16_workspace_floats(size_t B, size_t N, size_t K, int nthreads);
void ew_fc_f16(const ew_hgemm_ops *ops, size_t B, size_t N, size_t K, const float *x,
               const ew_f16 *w16, const float *bias, const ew_act *act, float *y, float *ws,
               struct ew_pool *pool);
/* CONV_IM2COL_SGEMM / CONV1X1_SGEMM in fp16 arithmetic: w16 holds per group the packed A
 * halves (group g at g * ew_pack_a_floats(M/G, K)); ws: ew_conv_f16_workspace_floats. */
size_t ew_conv_f16_workspace_floats(int nthreads);
void ew_conv_gemm_f16(const ew_hgemm_ops *ops, const ew_conv_args *a, const ew_f16 *w16,
                      int direct_b);
#endif
