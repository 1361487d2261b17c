/* SGEMM, micro-kernels and GEMV at tile edges: M around MR=8, N around NR=12, K around the
 * KC=256 block; NEON and scalar micro-kernels, 1 and 3 threads, fused epilogues. */
#include <string.h>
#include "kernels.h"
#include "threadpool.h"
#include "testutil.h"

static void reference(size_t M, size_t N, size_t K, const float *a, const float *b,
                      const float *bias, const ew_act *act, float *c, float *scale) {
  for (size_t i = 0; i < M; i++)
    for (size_t j = 0; j < N; j++) {
      double acc = bias ? bias[i] : 0.0, s = bias ? fabs(bias[i]) : 0.0;
      for (size_t k = 0; k < K; k++) {
        acc += (double)a[i * K + k] * b[k * N + j];
        s += fabs((double)a[i * K + k] * b[k * N + j]);
      }
      c[i * N + j] = (float)acc;
      scale[i * N + j] = (float)s + 1.0f;
    }
  for (size_t i = 0; act && i < M; i++) ew_act_f32_scalar(act, c + i * N, N);
}

static void one(const ew_gemm_ops *ops, size_t M, size_t N, size_t K, int threads,
                const ew_act *act, ew_pool *pool) {
  float *a = tu_rand(M * K, -1, 1), *b = tu_rand(K * N, -1, 1), *bias = tu_rand(M, -1, 1);
  float *ap = malloc(ew_pack_a_floats(M, K) * sizeof(float) + 4);
  float *c = malloc(M * N * sizeof(float)), *ref = malloc(M * N * sizeof(float));
  float *scale = malloc(M * N * sizeof(float));
  float *scratch = malloc((size_t)threads * ew_sgemm_scratch_floats() * sizeof(float));
  ew_pack_a_f32(M, K, a, K, ap);
  reference(M, N, K, a, b, bias, act, ref, scale);
  ew_b_rowmajor src = {b, N, N, 0};
  ew_gemm_problem p = {M, N, K, ap, ew_get_b_rowmajor, &src, c, N, bias, act};
  ew_sgemm(ops, &p, pool, scratch);
  char what[128];
  snprintf(what, sizeof(what), "%s M=%zu N=%zu K=%zu threads=%d act=%d", ops->name, M, N, K,
           threads, act ? act->kind : 0);
  tu_close(what, c, ref, scale, M * N, 2e-6f, 1e-6f);
  free(a); free(b); free(bias); free(ap); free(c); free(ref); free(scale); free(scratch);
}

static void gemv_case(const ew_gemm_ops *ops, size_t R, size_t K) {
  float *a = tu_rand(R * K, -1, 1), *x = tu_rand(K, -1, 1), *bias = tu_rand(R, -1, 1);
  float *ap = malloc(ew_pack_a_floats(R, K) * sizeof(float) + 4);
  float *y = malloc(R * sizeof(float)), *ref = malloc(R * sizeof(float)), *sc = malloc(R * 4);
  ew_pack_a_f32(R, K, a, K, ap);
  reference(R, 1, K, a, x, bias, NULL, ref, sc);
  ops->gemv(0, (R + 7) / 8, R, K, ap, x, bias, y);
  char what[96];
  snprintf(what, sizeof(what), "%s gemv R=%zu K=%zu", ops->name, R, K);
  tu_close(what, y, ref, sc, R, 2e-6f, 1e-6f);
  free(a); free(x); free(bias); free(ap); free(y); free(ref); free(sc);
}

int main(void) {
  static const ew_gemm_ops *ops[] = {
#define EW_GEMM_OPS(NAME) &ew_gemm_ops_##NAME,
#include "kernels.inc"
  };
  const size_t Ms[] = {1, 7, 8, 9, 13, 16, 17, 33};
  const size_t Ns[] = {1, 4, 5, 11, 12, 13, 16, 24, 25, 127, 200};
  const size_t Ks[] = {1, 3, 13, 255, 256, 257, 300};
  ew_act relu = {EW_ACT_RELU, 0, 0}, clip = {EW_ACT_CLIP, -0.5f, 0.5f};
  ew_act leaky = {EW_ACT_LEAKYRELU, 0.1f, 0}, hswish = {EW_ACT_HARDSWISH, 0, 0};
  const ew_act *acts[] = {NULL, &relu, &clip, &leaky, &hswish};
  ew_pool *pool3 = ew_pool_create(3, NULL, 0);
  tu_seed(1);
  for (size_t o = 0; o < sizeof(ops) / sizeof(ops[0]); o++) {
    for (size_t mi = 0; mi < sizeof(Ms) / sizeof(Ms[0]); mi++)
      for (size_t ni = 0; ni < sizeof(Ns) / sizeof(Ns[0]); ni++)
        for (size_t ki = 0; ki < sizeof(Ks) / sizeof(Ks[0]); ki++) {
          if (!TU_BIG && Ks[ki] > 256 && Ns[ni] > 25 && Ms[mi] > 17) continue;
          int threads = (mi + ni + ki) % 2 ? 3 : 1;
          one(ops[o], Ms[mi], Ns[ni], Ks[ki], threads, acts[(mi + ni + ki) % 5],
              threads == 3 ? pool3 : NULL);
        }
    for (size_t mi = 0; mi < sizeof(Ms) / sizeof(Ms[0]); mi++)
      for (size_t ki = 0; ki < sizeof(Ks) / sizeof(Ks[0]); ki++) gemv_case(ops[o], Ms[mi], Ks[ki]);
  }
  if (TU_BIG) one(&ew_gemm_ops_neon, 130, 390, 520, 3, &relu, pool3);
  ew_pool_destroy(pool3);
  return tu_finish("test_gemm");
}
