/* int8 GEMM 8x8 micro-kernel with SDOT (vdotq_laneq_s32, ARMv8.2 dot product). This file alone
 * is compiled with -march=armv8.2-a+dotprod in the aarch64 build (CMakeLists.txt); it is only
 * called when ew_cpu_features() reports asimddp, so the binary still runs on a Cortex-A53.
 * On the x86 host SIMDe provides the intrinsic. */
#include <string.h>
#include "kernels_s8.h"
#include "neon.h"

#if defined(__aarch64__) && !defined(__ARM_FEATURE_DOTPROD)
#error "qgemm_8x8_s8_sdot_neon.c needs -march=armv8.2-a+dotprod (see CMakeLists.txt)"
#endif

/* c<r><h>: row r, columns 4h..4h+3. vdotq_laneq_s32(c, cols, rows, r) adds, for each of the 4
 * columns, the 4-deep dot product with row r of the A block. 16 accumulators + 4 operands. */
#define DOT_ROW(r, av, lane)                          \
  c##r##0 = vdotq_laneq_s32(c##r##0, b0, av, lane);   \
  c##r##1 = vdotq_laneq_s32(c##r##1, b1, av, lane)
#define ROW_INIT(r) int32x4_t c##r##0 = vdupq_n_s32(0), c##r##1 = vdupq_n_s32(0)
#define ROW_STORE(r)                                  \
  vst1q_s32(t + (r) * EW_QGEMM_NR, c##r##0);          \
  vst1q_s32(t + (r) * EW_QGEMM_NR + 4, c##r##1)

void ew_qgemm_8x8_s8_sdot(size_t kq, const int8_t *a, const int8_t *b, int32_t *t, int ps) {
  (void)ps; /* SDOT accumulates in int32 directly: no int16 limit */
  ROW_INIT(0); ROW_INIT(1); ROW_INIT(2); ROW_INIT(3);
  ROW_INIT(4); ROW_INIT(5); ROW_INIT(6); ROW_INIT(7);
  for (size_t q = 0; q < kq; q++, a += 32, b += 32) {
    int8x16_t a0 = vld1q_s8(a), a1 = vld1q_s8(a + 16);
    int8x16_t b0 = vld1q_s8(b), b1 = vld1q_s8(b + 16);
    DOT_ROW(0, a0, 0); DOT_ROW(1, a0, 1); DOT_ROW(2, a0, 2); DOT_ROW(3, a0, 3);
    DOT_ROW(4, a1, 0); DOT_ROW(5, a1, 1); DOT_ROW(6, a1, 2); DOT_ROW(7, a1, 3);
  }
  ROW_STORE(0); ROW_STORE(1); ROW_STORE(2); ROW_STORE(3);
  ROW_STORE(4); ROW_STORE(5); ROW_STORE(6); ROW_STORE(7);
}

/* vdotq_s32 with x's 4 bytes in every lane: lane i adds dot(row i of the block, x) */
void ew_qgemv_8_s8_sdot(size_t kq, const int8_t *a, const int8_t *b, int32_t *t, int ps) {
  (void)ps;
  int32x4_t c0 = vdupq_n_s32(0), c1 = vdupq_n_s32(0);
  for (size_t q = 0; q < kq; q++, a += 32, b += 32) {
    int32_t x;
    memcpy(&x, b, 4);
    int8x16_t xv = vreinterpretq_s8_s32(vdupq_n_s32(x));
    c0 = vdotq_s32(c0, vld1q_s8(a), xv);
    c1 = vdotq_s32(c1, vld1q_s8(a + 16), xv);
  }
  vst1q_s32(t, c0);
  vst1q_s32(t + 4, c1);
}

const ew_qgemm_ops ew_qgemm_ops_sdot = {"s8_neon_sdot", ew_qgemm_8x8_s8_sdot, ew_qgemv_8_s8_sdot,
                                        ew_qepilogue_neon,
                                        ew_quantize_neon, ew_dequantize_neon};
