/* Minimal test harness: fixed-seed data, tolerance compares that report the worst element,
 * and a count of checks so each run states how much it verified. */
#ifndef EW_TESTUTIL_H
#define EW_TESTUTIL_H
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int tu_failures __attribute__((unused)), tu_checks __attribute__((unused));

static uint64_t tu_state = 0x9E3779B97F4A7C15ull;
static inline void tu_seed(uint64_t s) { tu_state = s * 0x9E3779B97F4A7C15ull + 1; }
static inline uint32_t tu_u32(void) {
  tu_state ^= tu_state << 13;
  tu_state ^= tu_state >> 7;
  tu_state ^= tu_state << 17;
  return (uint32_t)(tu_state >> 11);
}
static inline float tu_uniform(float lo, float hi) {
  return lo + (hi - lo) * (float)(tu_u32() & 0xFFFFFF) / 16777216.0f;
}
static inline float *tu_rand(size_t n, float lo, float hi) {
  float *p = malloc((n ? n : 1) * sizeof(float));
  for (size_t i = 0; i < n; i++) p[i] = tu_uniform(lo, hi);
  return p;
}

/* |got - want| <= atol + rtol * scale[i] (scale NULL: |want|) */
static inline int tu_close(const char *what, const float *got, const float *want,
                           const float *scale, size_t n, float rtol, float atol) {
  tu_checks++;
  size_t worst = 0;
  double worst_excess = 0.0;
  for (size_t i = 0; i < n; i++) {
    double s = scale ? scale[i] : fabs(want[i]);
    double err = fabs((double)got[i] - want[i]);
    double excess = err - (atol + rtol * s);
    if (isnan(got[i]) != isnan(want[i])) excess = INFINITY;
    if (excess > worst_excess) { worst_excess = excess; worst = i; }
  }
  if (worst_excess > 0.0) {
    tu_failures++;
    printf("FAIL %s: element %zu got %.9g want %.9g (n=%zu)\n", what, worst, got[worst],
           want[worst], n);
    return 0;
  }
  return 1;
}

#define TU_CHECK(cond, ...)                                 \
  do {                                                      \
    tu_checks++;                                            \
    if (!(cond)) {                                          \
      tu_failures++;                                        \
      printf("FAIL %s:%d: ", __FILE__, __LINE__);           \
      printf(__VA_ARGS__);                                  \
      printf("\n");                                         \
    }                                                       \
  } while (0)

static inline int tu_finish(const char *name) {
  printf("%s: %d checks, %d failures\n", name, tu_checks, tu_failures);
  return tu_failures ? 1 : 0;
}

/* Under qemu (~50x slower) the few largest shapes are skipped; every tile-edge case stays. */
#ifdef EW_TEST_QEMU
#define TU_BIG 0
#else
#define TU_BIG 1
#endif
#endif
