/* Finds the fastest cores from sysfs. ARM kernels publish cpu_capacity (1024 = the biggest
 * core); x86 and older kernels only cpufreq, whose max frequency ranks cores the same way. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include "threadpool.h"

#define MAX_CPUS 1024

static long read_long(const char *root, int cpu, const char *leaf) {
  char path[512];
  snprintf(path, sizeof(path), "%s/cpu%d/%s", root, cpu, leaf);
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  long v = -1;
  if (fscanf(f, "%ld", &v) != 1) v = -1;
  fclose(f);
  return v;
}

static long rank_of(const char *root, int cpu) {
  long cap = read_long(root, cpu, "cpu_capacity");
  return cap >= 0 ? cap : read_long(root, cpu, "cpufreq/cpuinfo_max_freq");
}

int ew_cpu_fastest(const char *sysfs_root, int *cpus, int max) {
  if (!sysfs_root || !cpus || max <= 0) return 0;
  long best = -1;
  int misses = 0;
  for (int c = 0; c < MAX_CPUS && misses < 64; c++) { /* ids may have holes (offline) */
    long r = rank_of(sysfs_root, c);
    misses = r < 0 ? misses + 1 : 0;
    best = r > best ? r : best;
  }
  if (best < 0) return 0;
  int n = 0;
  misses = 0;
  for (int c = 0; c < MAX_CPUS && misses < 64 && n < max; c++) {
    long r = rank_of(sysfs_root, c);
    misses = r < 0 ? misses + 1 : 0;
    if (r == best) cpus[n++] = c;
  }
  return n;
}
