/* Timing shared by the host benchmarks: CLOCK_MONOTONIC, and the best of repeated runs after one
 * warm-up, so a preempted run on a busy machine does not count. */
#ifndef EW_BENCH_TIMING_H
#define EW_BENCH_TIMING_H
#include <time.h>

static inline double bench_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef void (*bench_fn)(void *ctx);

/* best time of at least min_runs runs, going on until min_seconds were spent, at most max_runs */
static inline double bench_best_time(bench_fn f, void *ctx, int min_runs, double min_seconds, int max_runs) {
  f(ctx);
  double best = 1e30, spent = 0;
  for (int i = 0; (i < min_runs || spent < min_seconds) && i < max_runs; i++) {
    double t0 = bench_now();
    f(ctx);
    double dt = bench_now() - t0;
    spent += dt;
    best = dt < best ? dt : best;
  }
  return best;
}
#endif
