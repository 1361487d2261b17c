#define _POSIX_C_SOURCE 200809L
/* DeviceInfo from /proc/cpuinfo, /proc/meminfo, uname, cpufreq sysfs and Android's getprop. Anything the system
 * does not say stays empty or 0: never a guessed value. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "agent.h"
#include "run_sensors.h"
#include "edgewise/rt.h"

#define MAX_CORES 1024

typedef struct core { uint64_t min_khz, max_khz; char part[16]; } core;

static char *dup_trim(const char *s) {
  while (*s == ' ' || *s == '\t') s++;
  size_t n = strlen(s);
  while (n && (s[n - 1] == '\n' || s[n - 1] == ' ')) n--;
  char *d = malloc(n + 1);
  if (!d) return NULL;
  memcpy(d, s, n);
  d[n] = 0;
  return d;
}

static uint64_t read_u64(const char *path) {
  FILE *f = fopen(path, "r");
  unsigned long long v = 0;
  if (f) {
    if (fscanf(f, "%llu", &v) != 1) v = 0;
    fclose(f);
  }
  return v;
}

static void split_hwcaps(const char *list, Edgewise__Bridge__DeviceInfo *info) {
  char *copy = dup_trim(list), *save = NULL;
  if (!copy) return;
  size_t cap = 0;
  for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
    if (info->n_hwcaps == cap) {
      cap = cap ? 2 * cap : 32;
      char **g = realloc(info->hwcaps, cap * sizeof(char *));
      if (!g) break;
      info->hwcaps = g;
    }
    info->hwcaps[info->n_hwcaps++] = dup_trim(t);
  }
  free(copy);
}

/* key\t: value lines; "processor" starts a core so per-core "CPU part" lands on it */
static void parse_cpuinfo(Edgewise__Bridge__DeviceInfo *info, core *cores, int ncores) {
  FILE *f = fopen("/proc/cpuinfo", "r");
  if (!f) return;
  char line[8192];
  int cur = -1;
  while (fgets(line, sizeof(line), f)) {
    char *colon = strchr(line, ':');
    if (!colon) continue;
    *colon = 0;
    const char *val = colon + 1;
    size_t k = strlen(line);
    while (k && (line[k - 1] == ' ' || line[k - 1] == '\t')) line[--k] = 0;
    if (!strcmp(line, "processor")) {
      cur = atoi(val);
    } else if ((!strcmp(line, "model name") || !strcmp(line, "Hardware")) && !*info->cpu_model) {
      info->cpu_model = dup_trim(val);
    } else if (!strcmp(line, "CPU implementer") && !*info->cpu_implementer) {
      info->cpu_implementer = dup_trim(val);
    } else if (!strcmp(line, "CPU part")) {
      char *p = dup_trim(val);
      if (p && cur >= 0 && cur < ncores) snprintf(cores[cur].part, sizeof(cores[cur].part), "%s", p);
      if (p && !*info->cpu_part) info->cpu_part = p; else free(p);
    } else if ((!strcmp(line, "Features") || !strcmp(line, "flags")) && info->n_hwcaps == 0) {
      split_hwcaps(val, info);
    }
  }
  fclose(f);
}

static void group_clusters(Edgewise__Bridge__DeviceInfo *info, const core *cores, int n) {
  info->clusters = calloc((size_t)n, sizeof(*info->clusters));
  if (!info->clusters) return;
  for (int c = 0; c < n; c++) {
    size_t k = 0;
    while (k < info->n_clusters && !(info->clusters[k]->max_khz == cores[c].max_khz &&
                                     info->clusters[k]->min_khz == cores[c].min_khz &&
                                     !strcmp(info->clusters[k]->part, cores[c].part)))
      k++;
    if (k == info->n_clusters) {
      Edgewise__Bridge__Cluster *cl = malloc(sizeof(*cl));
      if (!cl) return;
      edgewise__bridge__cluster__init(cl);
      cl->min_khz = cores[c].min_khz;
      cl->max_khz = cores[c].max_khz;
      cl->part = dup_trim(cores[c].part);
      cl->cpus = calloc((size_t)n, sizeof(uint32_t));
      if (!cl->part || !cl->cpus) { free(cl->part); free(cl->cpus); free(cl); return; }
      info->clusters[info->n_clusters++] = cl;
    }
    info->clusters[k]->cpus[info->clusters[k]->n_cpus++] = (uint32_t)c;
  }
}

static uint64_t mem_total(void) {
  FILE *f = fopen("/proc/meminfo", "r");
  unsigned long long kb = 0;
  char line[256];
  while (f && fgets(line, sizeof(line), f))
    if (sscanf(line, "MemTotal: %llu kB", &kb) == 1) break;
  if (f) fclose(f);
  return (uint64_t)kb * 1024;
}

void ew_device_info(const char *sysfs_root, const char *android_root, Edgewise__Bridge__DeviceInfo *info) {
  edgewise__bridge__device_info__init(info);
  info->protocol_version = EW_PROTOCOL_VERSION;
  info->agent_version = dup_trim(EW_AGENT_VERSION);
  info->runtime = dup_trim(ew_cpu_description());
  struct utsname u;
  if (uname(&u) == 0) {
    char k[3 * 65 + 3];
    snprintf(k, sizeof(k), "%s %s %s", u.sysname, u.release, u.version);
    info->arch = dup_trim(u.machine);
    info->kernel = dup_trim(k);
  }
  long n = sysconf(_SC_NPROCESSORS_CONF);
  int ncores = n < 1 ? 1 : n > MAX_CORES ? MAX_CORES : (int)n;
  info->cores = (uint32_t)ncores;
  core *cores = calloc((size_t)ncores, sizeof(core));
  if (cores) {
    for (int c = 0; c < ncores; c++) {
      char path[512];
      snprintf(path, sizeof(path), "%s/devices/system/cpu/cpu%d/cpufreq/cpuinfo_min_freq", sysfs_root, c);
      cores[c].min_khz = read_u64(path);
      snprintf(path, sizeof(path), "%s/devices/system/cpu/cpu%d/cpufreq/cpuinfo_max_freq", sysfs_root, c);
      cores[c].max_khz = read_u64(path);
    }
    parse_cpuinfo(info, cores, ncores);
    group_clusters(info, cores, ncores);
    free(cores);
  }
  info->memory_bytes = mem_total();
  ew_device_info_sensors(sysfs_root, info);
  ew_android_properties(android_root, info);
}

void ew_device_info_free(Edgewise__Bridge__DeviceInfo *info) {
  char *empty = (char *)protobuf_c_empty_string;
  char **strs[] = {&info->agent_version, &info->runtime, &info->arch, &info->kernel,
                   &info->cpu_model, &info->cpu_implementer, &info->cpu_part};
  for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
    if (*strs[i] != empty) free(*strs[i]);
  for (size_t i = 0; i < info->n_hwcaps; i++) free(info->hwcaps[i]);
  free(info->hwcaps);
  for (size_t i = 0; i < info->n_clusters; i++) {
    free(info->clusters[i]->part);
    free(info->clusters[i]->cpus);
    free(info->clusters[i]);
  }
  free(info->clusters);
  ew_device_info_sensors_free(info);
  ew_android_properties_free(info);
}
