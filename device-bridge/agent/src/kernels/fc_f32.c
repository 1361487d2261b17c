/* Fully connected: y[B][N] = x[B][K] W^T + bias with W packed as GEMM A (rows = outputs).
 * Batch 1 (the common inference case) is a GEMV streaming the packed panels once; larger
 * batches are a GEMM with B = x^T into a scratch [N][B] that is transposed on the way out. */
#include "kernels.h"
#include "../runtime/threadpool.h"

size_t ew_fc_workspace_floats(size_t B, size_t N, int nthreads) {
  if (B <= 1) return 0;
  return (size_t)nthreads * ew_sgemm_scratch_floats() + N * B;
}

typedef struct gemv_ctx {
  const ew_gemm_ops *ops;
  size_t N, K, parts, panels;
  const float *x, *w, *bias;
  const ew_act *act;
  float *y;
} gemv_ctx;

static void gemv_task(void *vc, size_t t, int thread) {
  (void)thread;
  const gemv_ctx *g = vc;
  size_t p0 = g->panels * t / g->parts, p1 = g->panels * (t + 1) / g->parts;
  g->ops->gemv(p0, p1, g->N, g->K, g->w, g->x, g->bias, g->y);
  size_t r0 = p0 * EW_GEMM_MR, r1 = p1 * EW_GEMM_MR < g->N ? p1 * EW_GEMM_MR : g->N;
  if (r1 > r0) ew_act_apply(g->act, g->y + r0, r1 - r0);
}

void ew_fc_f32(const ew_gemm_ops *ops, size_t B, size_t N, size_t K, const float *x,
               const float *wpacked, const float *bias, const ew_act *act, float *y, float *ws,
               ew_pool *pool) {
  if (B == 1) {
    size_t panels = (N + EW_GEMM_MR - 1) / EW_GEMM_MR;
    size_t parts = (size_t)ew_pool_threads(pool) * 4;
    if (parts > panels) parts = panels;
    gemv_ctx g = {ops, N, K, parts, panels, x, wpacked, bias, act, y};
    ew_pool_run(pool, parts, gemv_task, &g);
    return;
  }
  float *ct = ws + (size_t)ew_pool_threads(pool) * ew_sgemm_scratch_floats();
  ew_b_rowmajor src = {x, K, B, 1};
  ew_gemm_problem p = {N, B, K, wpacked, ew_get_b_rowmajor, &src, ct, B, bias, act};
  ew_sgemm(ops, &p, pool, ws);
  for (size_t b = 0; b < B; b++)
    for (size_t n = 0; n < N; n++) y[b * N + n] = ct[n * B + b];
}
