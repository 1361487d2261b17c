#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include "agent.h"

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double percentile(const double *sorted, size_t n, double p) {
  double rank = p * (double)(n - 1);
  size_t lo = (size_t)rank;
  if (lo + 1 >= n) return sorted[n - 1];
  double frac = rank - (double)lo;
  return sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
}

void ew_stats_compute(double *v, size_t n, ew_stats *out) {
  *out = (ew_stats){0};
  if (n == 0) return;
  qsort(v, n, sizeof(double), cmp_double);
  double sum = 0;
  for (size_t i = 0; i < n; i++) sum += v[i];
  double mean = sum / (double)n, sq = 0;
  for (size_t i = 0; i < n; i++) sq += (v[i] - mean) * (v[i] - mean);
  out->count = (uint32_t)n;
  out->min = v[0];
  out->max = v[n - 1];
  out->mean = mean;
  out->std = sqrt(sq / (double)n);
  out->p50 = percentile(v, n, 0.50);
  out->p90 = percentile(v, n, 0.90);
  out->p99 = percentile(v, n, 0.99);
}
