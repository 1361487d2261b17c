/* CPU description for logs and DeviceInfo. Feature bits are read at run time (getauxval), the
 * way later int8/fp16 kernels will be chosen; a kernel must never assume them at build time. */
#include <stdio.h>
#include "edgewise/rt.h"
#include "threadpool.h"
#include "../kernels/kernels_s8.h"
#if defined(__aarch64__)
#include <sys/auxv.h>
#ifndef HWCAP_ASIMD
#define HWCAP_ASIMD (1 << 1)
#endif
#ifndef HWCAP_FPHP
#define HWCAP_FPHP (1 << 9)
#endif
#ifndef HWCAP_ASIMDHP
#define HWCAP_ASIMDHP (1 << 10)
#endif
#ifndef HWCAP_ASIMDDP
#define HWCAP_ASIMDDP (1 << 20)
#endif
#endif

unsigned ew_cpu_features(void) {
#if defined(__aarch64__)
  unsigned long hw = getauxval(AT_HWCAP);
  return ((hw & HWCAP_ASIMD) ? EW_CPU_ASIMD : 0u) |
         ((hw & HWCAP_FPHP) && (hw & HWCAP_ASIMDHP) ? EW_CPU_FP16 : 0u) |
         ((hw & HWCAP_ASIMDDP) ? EW_CPU_DOTPROD : 0u);
#else
  return 0;
#endif
}

const char *ew_cpu_description(void) {
  static char buf[128];
#if defined(__aarch64__)
  unsigned long hw = getauxval(AT_HWCAP);
  snprintf(buf, sizeof(buf), "aarch64 NEON%s%s%s; int8 GEMM %s", (hw & HWCAP_ASIMD) ? " asimd" : "",
           (hw & HWCAP_ASIMDHP) ? " asimdhp" : "", (hw & HWCAP_ASIMDDP) ? " asimddp" : "",
           ew_qgemm_ops_for_cpu()->name);
#else
  snprintf(buf, sizeof(buf), "host (NEON through SIMDe); int8 GEMM %s", ew_qgemm_ops_for_cpu()->name);
#endif
  return buf;
}

int ew_cpu_big_cores(int *cpus, int max) {
  return ew_cpu_fastest("/sys/devices/system/cpu", cpus, max);
}
