#define _POSIX_C_SOURCE 200809L
/* Sensor discovery and reading under a sysfs root. Every file is read fresh on each sample: sysfs
 * attributes only refresh on open, and a sensor that vanishes must read as absent, not stale. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sensors.h"

static const char *KIND_NAMES[EW_SRC_KINDS] = {"rapl", "iio", "hwmon-power", "hwmon-vi", "battery",
                                               "thermal", "cpufreq"};
const char *ew_sensor_kind_name(ew_src_kind k) { return k < EW_SRC_KINDS ? KIND_NAMES[k] : "none"; }
int ew_sensor_is_counter(ew_src_kind k) { return k == EW_SRC_RAPL || k == EW_SRC_IIO; }
int ew_sensor_is_power(ew_src_kind k) { return k <= EW_SRC_BATTERY; }

static int read_line(const char *path, char *buf, size_t cap) {
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  int ok = fgets(buf, (int)cap, f) != NULL;
  fclose(f);
  if (ok) buf[strcspn(buf, "\r\n")] = 0;
  return ok;
}

static int read_ll(const char *path, long long *v) {
  char b[64];
  char *end;
  if (!read_line(path, b, sizeof(b))) return 0;
  *v = strtoll(b, &end, 10);
  return end != b;
}

/* truncating copy (sysfs names are short; a cut name is still unique enough to show) */
static void copy(char *dst, size_t cap, const char *src) {
  size_t n = strlen(src);
  if (n >= cap) n = cap - 1;
  memcpy(dst, src, n);
  dst[n] = 0;
}

static ew_sensor *add(ew_sensors *set, ew_src_kind kind, const char *name, const char *path) {
  if (set->n == set->cap) {
    size_t cap = set->cap ? 2 * set->cap : 16;
    ew_sensor *g = realloc(set->s, cap * sizeof(*g));
    if (!g) return NULL;
    set->s = g;
    set->cap = cap;
  }
  ew_sensor *s = &set->s[set->n++];
  memset(s, 0, sizeof(*s));
  s->kind = kind;
  copy(s->name, sizeof(s->name), name);
  copy(s->path, sizeof(s->path), path);
  return s;
}

static int by_name(const struct dirent **a, const struct dirent **b) { return strcmp((*a)->d_name, (*b)->d_name); }

/* Calls fn for each entry of dir whose name starts with prefix, in name order. */
static void each_entry(const char *dir, const char *prefix, ew_sensors *set,
                       void (*fn)(ew_sensors *, const char *dir, const char *entry)) {
  struct dirent **list;
  int n = scandir(dir, &list, NULL, by_name);
  for (int i = 0; i < n; i++) {
    if (!strncmp(list[i]->d_name, prefix, strlen(prefix))) fn(set, dir, list[i]->d_name);
    free(list[i]);
  }
  if (n >= 0) free(list);
}

static int exists(const char *path) {
  FILE *f = fopen(path, "r");
  if (f) fclose(f);
  return f != NULL;
}

static void battery(ew_sensors *set, const char *dir, const char *e) {
  char cur[512], volt[512];
  snprintf(cur, sizeof(cur), "%s/%s/current_now", dir, e);
  snprintf(volt, sizeof(volt), "%s/%s/voltage_now", dir, e);
  if (!exists(cur) || !exists(volt)) return;
  ew_sensor *s = add(set, EW_SRC_BATTERY, e, cur);
  if (s) copy(s->path2, sizeof(s->path2), volt);
}

static void rapl(ew_sensors *set, const char *dir, const char *e) {
  char p[512], name[96] = "";
  long long range;
  snprintf(p, sizeof(p), "%s/%s/name", dir, e);
  read_line(p, name, sizeof(name));
  snprintf(p, sizeof(p), "%s/%s/max_energy_range_uj", dir, e);
  double max_range = read_ll(p, &range) && range > 0 ? (double)range * 1e-6 : 0;
  snprintf(p, sizeof(p), "%s/%s/energy_uj", dir, e);
  if (!exists(p)) return;
  char full[200];
  snprintf(full, sizeof(full), "%s/%s", e, name[0] ? name : "?");
  ew_sensor *s = add(set, EW_SRC_RAPL, full, p);
  if (s) s->max_range = max_range;
}

/* energy_value (Android on-device power monitors): "t=<ms>" then "CH<n>(T=<ms>)[<rail>], <uWs>" */
static int iio_channel(const char *path, int channel, char *rail, size_t rail_cap, double *joules) {
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  char line[256];
  int found = 0;
  while (!found && fgets(line, sizeof(line), f)) {
    int ch;
    long long t, uws;
    char r[96];
    if (sscanf(line, "CH%d(T=%lld)[%95[^]]], %lld", &ch, &t, r, &uws) != 4) continue;
    if (channel >= 0 && ch != channel) continue;
    if (rail) snprintf(rail, rail_cap, "%s", r);
    if (joules) *joules = (double)uws * 1e-6;
    found = 1;
  }
  fclose(f);
  return found;
}

static void iio(ew_sensors *set, const char *dir, const char *e) {
  char p[512];
  snprintf(p, sizeof(p), "%s/%s/energy_value", dir, e);
  for (int ch = 0; ch < 64; ch++) {
    char rail[96], name[200];
    if (!iio_channel(p, ch, rail, sizeof(rail), NULL)) continue;
    snprintf(name, sizeof(name), "%s/%s", e, rail);
    ew_sensor *s = add(set, EW_SRC_IIO, name, p);
    if (s) s->channel = ch;
  }
}

static void hwmon(ew_sensors *set, const char *dir, const char *e) {
  char p[512], chip[64] = "", label[64], name[200];
  snprintf(p, sizeof(p), "%s/%s/name", dir, e);
  read_line(p, chip, sizeof(chip));
  for (int i = 0; i < 32; i++) {
    snprintf(p, sizeof(p), "%s/%s/power%d_label", dir, e, i);
    if (!read_line(p, label, sizeof(label))) snprintf(label, sizeof(label), "power%d", i);
    snprintf(p, sizeof(p), "%s/%s/power%d_input", dir, e, i);
    snprintf(name, sizeof(name), "%s/%s/%s", e, chip, label);
    if (exists(p)) add(set, EW_SRC_HWMON_POWER, name, p);
  }
  for (int i = 0; i < 32; i++) {
    char volt[512];
    snprintf(p, sizeof(p), "%s/%s/curr%d_input", dir, e, i);
    snprintf(volt, sizeof(volt), "%s/%s/in%d_input", dir, e, i);
    if (!exists(p) || !exists(volt)) continue;
    snprintf(label, sizeof(label), "curr%d", i);
    snprintf(name, sizeof(name), "%s/%s/%s", e, chip, label);
    ew_sensor *s = add(set, EW_SRC_HWMON_VI, name, p);
    if (s) copy(s->path2, sizeof(s->path2), volt);
  }
}

static void thermal(ew_sensors *set, const char *dir, const char *e) {
  char p[512], type[64] = "", name[200];
  snprintf(p, sizeof(p), "%s/%s/type", dir, e);
  read_line(p, type, sizeof(type));
  snprintf(name, sizeof(name), "%s/%s", e, type[0] ? type : "?");
  snprintf(p, sizeof(p), "%s/%s/temp", dir, e);
  if (!exists(p)) return;
  ew_sensor *s = add(set, EW_SRC_THERMAL, name, p);
  for (int i = 0; s && i < 32 && s->n_trips < EW_MAX_TRIPS; i++) {
    long long mc;
    snprintf(p, sizeof(p), "%s/%s/trip_point_%d_temp", dir, e, i);
    if (read_ll(p, &mc) && mc > 0) s->trips[s->n_trips++] = (double)mc / 1000.0;
  }
}

static void cpufreq(ew_sensors *set, const char *dir, const char *e) {
  char *end;
  long cpu = strtol(e + 3, &end, 10);
  if (end == e + 3 || *end) return; /* cpufreq, cpuidle, ... */
  char p[512];
  snprintf(p, sizeof(p), "%s/%s/cpufreq/scaling_cur_freq", dir, e);
  if (!exists(p)) return;
  ew_sensor *s = add(set, EW_SRC_CPUFREQ, e, p);
  if (!s) return;
  s->channel = (int)cpu;
  snprintf(p, sizeof(p), "%s/%s/cpufreq/scaling_governor", dir, e);
  read_line(p, s->governor, sizeof(s->governor));
}

size_t ew_sensors_discover(const char *root, ew_sensors *out) {
  memset(out, 0, sizeof(*out));
  static const struct { const char *dir, *prefix; void (*fn)(ew_sensors *, const char *, const char *); } W[] = {
      {"class/powercap", "intel-rapl", rapl},        {"bus/iio/devices", "iio:device", iio},
      {"class/hwmon", "hwmon", hwmon},               {"class/power_supply", "", battery},
      {"class/thermal", "thermal_zone", thermal},    {"devices/system/cpu", "cpu", cpufreq}};
  for (size_t i = 0; i < sizeof(W) / sizeof(W[0]); i++) {
    char dir[512];
    snprintf(dir, sizeof(dir), "%s/%s", root, W[i].dir);
    each_entry(dir, W[i].prefix, out, W[i].fn);
  }
  return out->n;
}

void ew_sensors_free(ew_sensors *set) {
  free(set->s);
  memset(set, 0, sizeof(*set));
}

/* The kernel ABI says uA and uV, but several Android vendors report mA and mV. A phone draws
 * at least ~10 mA and at most a few A, so |raw| >= 10000 can only be uA (10000 mA = 10 A is beyond
 * any phone); likewise a battery reads > 100000 only in uV (0.1 V in uV, 100 V in mV). */
double ew_battery_amps(long long raw) {
  double a = (double)(raw < 0 ? -raw : raw);
  return a >= 10000 ? a * 1e-6 : a * 1e-3;
}
double ew_battery_volts(long long raw) {
  double v = (double)(raw < 0 ? -raw : raw);
  return v > 100000 ? v * 1e-6 : v * 1e-3;
}

int ew_sensor_read(const ew_sensor *s, double *value) {
  long long a, b;
  switch (s->kind) {
    case EW_SRC_RAPL: if (!read_ll(s->path, &a)) return 0; *value = (double)a * 1e-6; return 1;
    case EW_SRC_IIO: return iio_channel(s->path, s->channel, NULL, 0, value);
    case EW_SRC_HWMON_POWER: if (!read_ll(s->path, &a)) return 0; *value = (double)a * 1e-6; return 1;
    case EW_SRC_HWMON_VI:
      if (!read_ll(s->path, &a) || !read_ll(s->path2, &b)) return 0;
      *value = (double)(a < 0 ? -a : a) * 1e-3 * (double)b * 1e-3;
      return 1;
    case EW_SRC_BATTERY:
      /* sign: discharging is negative on some devices, positive on others; power drawn is |I x V| */
      if (!read_ll(s->path, &a) || !read_ll(s->path2, &b)) return 0;
      *value = ew_battery_amps(a) * ew_battery_volts(b);
      return 1;
    case EW_SRC_THERMAL: if (!read_ll(s->path, &a)) return 0; *value = (double)a / 1000.0; return 1;
    case EW_SRC_CPUFREQ: if (!read_ll(s->path, &a)) return 0; *value = (double)a; return 1;
    default: return 0;
  }
}
