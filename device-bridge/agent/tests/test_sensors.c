#define _XOPEN_SOURCE 700
/* Sensors against fake sysfs trees written (and rewritten while sampling) by this test:
 * discovery, unit conventions, counter wrap-around, the energy arithmetic, throttling flags and
 * the sampling thread. */
#include <errno.h>
#include <ftw.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "sensors.h"
#include "testutil.h"

static char root[256];

static void mkdirs(const char *path) {
  char p[512];
  snprintf(p, sizeof(p), "%s", path);
  for (char *c = p + 1; *c; c++)
    if (*c == '/') { *c = 0; mkdir(p, 0755); *c = '/'; }
  mkdir(p, 0755);
}

/* writes root/rel (creating its directories) */
static void put(const char *rel, const char *text) {
  char p[512];
  snprintf(p, sizeof(p), "%s/%s", root, rel);
  char *slash = strrchr(p, '/');
  *slash = 0;
  mkdirs(p);
  *slash = '/';
  /* written aside and renamed: like sysfs, a reader never sees a half-written value */
  char tmp[520];
  snprintf(tmp, sizeof(tmp), "%s.tmp", p);
  FILE *f = fopen(tmp, "w");
  if (!f) { printf("cannot write %s: %s\n", tmp, strerror(errno)); exit(1); }
  fputs(text, f);
  fclose(f);
  if (rename(tmp, p) != 0) { printf("cannot rename %s: %s\n", tmp, strerror(errno)); exit(1); }
}

static void putll(const char *rel, long long v) {
  char b[32];
  snprintf(b, sizeof(b), "%lld\n", v);
  put(rel, b);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st; (void)flag; (void)ftw;
  return remove(path);
}

/* the previous tree, if any, goes first: each run leaves nothing behind in TMPDIR */
static void drop_root(void) {
  if (root[0]) nftw(root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
  root[0] = 0;
}

static void new_root(const char *tag) {
  drop_root();
  snprintf(root, sizeof(root), "%s/ew_sensors_%s_XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", tag);
  if (!mkdtemp(root)) { printf("mkdtemp: %s\n", strerror(errno)); exit(1); }
}

static void full_tree(void) {
  new_root("full");
  putll("class/power_supply/battery/current_now", -350000); /* uA, negative while discharging */
  putll("class/power_supply/battery/voltage_now", 3800000); /* uV */
  put("class/power_supply/usb/online", "1\n");               /* no current: not a sensor */
  put("bus/iio/devices/iio:device0/energy_value",
      "t=1000\nCH0(T=1000)[S2M_VDD_CPUCL2], 5000000\nCH1(T=1000)[S3M_VDD_GPU], 2000000\n");
  put("class/hwmon/hwmon0/name", "ina3221\n");
  put("class/hwmon/hwmon0/power1_label", "VDD_IN\n");
  putll("class/hwmon/hwmon0/power1_input", 1500000); /* uW */
  putll("class/hwmon/hwmon0/curr2_input", 250);      /* mA */
  putll("class/hwmon/hwmon0/in2_input", 5000);       /* mV */
  put("class/powercap/intel-rapl:0/name", "package-0\n");
  putll("class/powercap/intel-rapl:0/max_energy_range_uj", 10000000);
  putll("class/powercap/intel-rapl:0/energy_uj", 200000);
  put("class/powercap/intel-rapl:0:0/name", "core\n");
  putll("class/powercap/intel-rapl:0:0/energy_uj", 0);
  put("class/thermal/thermal_zone0/type", "cpu-thermal\n");
  putll("class/thermal/thermal_zone0/temp", 45000);
  putll("class/thermal/thermal_zone0/trip_point_0_temp", 80000);
  putll("class/thermal/thermal_zone0/trip_point_1_temp", 95000);
  for (int c = 0; c < 2; c++) {
    char p[128];
    snprintf(p, sizeof(p), "devices/system/cpu/cpu%d/cpufreq/scaling_cur_freq", c);
    putll(p, 1800000);
    snprintf(p, sizeof(p), "devices/system/cpu/cpu%d/cpufreq/scaling_governor", c);
    put(p, "schedutil\n");
  }
  put("devices/system/cpu/cpufreq/policy0/scaling_cur_freq", "1\n"); /* not a cpuN directory */
}

static const ew_sensor *find(const ew_sensors *set, const char *name) {
  for (size_t i = 0; i < set->n; i++)
    if (!strcmp(set->s[i].name, name)) return &set->s[i];
  printf("FAIL no sensor named %s\n", name);
  tu_failures++;
  static ew_sensor none;
  return &none;
}

static void check_discovery(const ew_sensors *set) {
  TU_CHECK(set->n == 10, "found %zu sensors, want 10", set->n);
  static const struct { const char *name; ew_src_kind kind; } want[] = {
      {"intel-rapl:0/package-0", EW_SRC_RAPL}, {"intel-rapl:0:0/core", EW_SRC_RAPL},
      {"iio:device0/S2M_VDD_CPUCL2", EW_SRC_IIO}, {"iio:device0/S3M_VDD_GPU", EW_SRC_IIO},
      {"hwmon0/ina3221/VDD_IN", EW_SRC_HWMON_POWER}, {"hwmon0/ina3221/curr2", EW_SRC_HWMON_VI},
      {"battery", EW_SRC_BATTERY}, {"thermal_zone0/cpu-thermal", EW_SRC_THERMAL},
      {"cpu0", EW_SRC_CPUFREQ}, {"cpu1", EW_SRC_CPUFREQ}};
  for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
    const ew_sensor *s = find(set, want[i].name);
    TU_CHECK(s->kind == want[i].kind, "%s: kind %s", want[i].name, ew_sensor_kind_name(s->kind));
  }
  const ew_sensor *z = find(set, "thermal_zone0/cpu-thermal");
  TU_CHECK(z->n_trips == 2 && z->trips[0] == 80.0 && z->trips[1] == 95.0, "trips %d", z->n_trips);
  TU_CHECK(find(set, "intel-rapl:0/package-0")->max_range == 10.0, "rapl range");
  TU_CHECK(!strcmp(find(set, "cpu1")->governor, "schedutil"), "governor");
  TU_CHECK(find(set, "cpu1")->channel == 1, "cpu number");
}

static double reading(const ew_sensors *set, const char *name) {
  double v = -1;
  TU_CHECK(ew_sensor_read(find(set, name), &v), "read %s", name);
  return v;
}

#define NEAR(got, want, what) TU_CHECK(fabs((got) - (want)) < 1e-9, "%s: got %.12g want %.12g", what, (double)(got), (double)(want))

static void check_readings(const ew_sensors *set) {
  NEAR(reading(set, "battery"), 0.35 * 3.8, "battery uA x uV, negative current");
  putll("class/power_supply/battery/current_now", 350); /* vendor mA, positive */
  putll("class/power_supply/battery/voltage_now", 3800); /* vendor mV */
  NEAR(reading(set, "battery"), 0.35 * 3.8, "battery mA x mV");
  NEAR(ew_battery_amps(-9999), 9.999, "9999 is mA");
  NEAR(ew_battery_amps(10000), 0.01, "10000 is uA");
  NEAR(ew_battery_volts(4400), 4.4, "mV");
  NEAR(ew_battery_volts(4400000), 4.4, "uV");
  NEAR(reading(set, "hwmon0/ina3221/VDD_IN"), 1.5, "hwmon uW");
  NEAR(reading(set, "hwmon0/ina3221/curr2"), 0.25 * 5.0, "hwmon mA x mV");
  NEAR(reading(set, "iio:device0/S3M_VDD_GPU"), 2.0, "iio uWs");
  NEAR(reading(set, "thermal_zone0/cpu-thermal"), 45.0, "milli-degC");
  NEAR(reading(set, "cpu0"), 1800000, "kHz");
  put("class/thermal/thermal_zone0/temp", "garbage\n");
  double v;
  TU_CHECK(!ew_sensor_read(find(set, "thermal_zone0/cpu-thermal"), &v), "garbage reads as absent");
  putll("class/thermal/thermal_zone0/temp", 45000);
}

/* RAPL package: idle 1 W over [0, 1] with a wrap at 1.0; window 3 W over [2, 3] with a wrap.
 * The core subdomain races ahead: counting it would break every number below. */
static void check_counter_energy(const ew_sensors *set) {
  ew_sampler sp;
  TU_CHECK(ew_sampler_init(&sp, set), "sampler init");
  static const struct { double t; long long pkg_uj; } steps[] = {
      {0.0, 9200000}, {0.5, 9700000}, {1.0, 200000},     /* +0.5 J per 0.5 s, wraps at 10 J */
      {2.0, 8000000}, {2.5, 9500000}, {3.0, 1000000}};   /* +1.5 J per 0.5 s, wraps */
  for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
    putll("class/powercap/intel-rapl:0/energy_uj", steps[i].pkg_uj);
    putll("class/powercap/intel-rapl:0:0/energy_uj", 7000000 * (long long)i % 10000000);
    ew_sampler_tick(&sp, steps[i].t);
  }
  ew_sample *s;
  size_t n = ew_sampler_take(&sp, 0, &s);
  TU_CHECK(n == 6 * 10, "%zu samples, want 60", n);
  ew_energy e;
  ew_energy_compute(set, s, n, 0.0, 1.0, 2.0, 3.0, 0.01, &e);
  TU_CHECK(e.measured && e.counter, "measured by counter");
  TU_CHECK(!strcmp(e.source, "rapl:intel-rapl:0/package-0"), "source %s", e.source);
  NEAR(e.idle_watts, 1.0, "idle W");
  NEAR(e.window_watts, 3.0, "window W");
  NEAR(e.joules_per_inference, (3.0 - 1.0) * 0.01, "J per inference");
  NEAR(e.inferences_per_second_per_watt, 1.0 / 0.02, "inf/s/W");
  TU_CHECK(!e.frequency_throttled && !e.thermal_throttled, "no throttling");
  /* the streamed per-sample watts of the package: delta / dt, unwrapped */
  size_t pkg = (size_t)(find(set, "intel-rapl:0/package-0") - set->s);
  double w[6];
  int k = 0;
  for (size_t i = 0; i < n && k < 6; i++)
    if (s[i].sensor == pkg) w[k++] = s[i].watts;
  NEAR(w[0], 0, "first counter sample");
  NEAR(w[2], 1.0, "wrapped step");
  NEAR(w[3], (8.0 - 0.2) / 1.0, "gap step");
  NEAR(w[5], 3.0, "window wrapped step");
  free(s);
  ew_sampler_free(&sp);
}

/* Battery only, its convention switching from uA negative to mA positive between baseline and
 * window; the window also throttles (frequency and a trip point). */
static void check_instant_energy(void) {
  new_root("battery");
  putll("class/power_supply/battery/current_now", -350000);
  putll("class/power_supply/battery/voltage_now", 3800000);
  putll("class/thermal/thermal_zone0/temp", 45000);
  putll("class/thermal/thermal_zone0/trip_point_0_temp", 80000);
  putll("devices/system/cpu/cpu0/cpufreq/scaling_cur_freq", 1800000);
  ew_sensors set;
  TU_CHECK(ew_sensors_discover(root, &set) == 3, "3 sensors, got %zu", set.n);
  ew_sampler sp;
  ew_sampler_init(&sp, &set);
  ew_sampler_tick(&sp, 0.0);
  ew_sampler_tick(&sp, 0.5);
  ew_sampler_tick(&sp, 1.0);
  ew_sampler_tick(&sp, 2.0); /* window start: still idle, counts for the baseline only */
  putll("class/power_supply/battery/current_now", 700);
  putll("class/power_supply/battery/voltage_now", 3800);
  ew_sampler_tick(&sp, 2.5);
  putll("devices/system/cpu/cpu0/cpufreq/scaling_cur_freq", 1200000);
  putll("class/thermal/thermal_zone0/temp", 81000);
  ew_sampler_tick(&sp, 3.0);
  ew_sample *s;
  size_t n = ew_sampler_take(&sp, 0, &s);
  ew_energy e;
  ew_energy_compute(&set, s, n, 0.0, 1.0, 2.0, 3.0, 0.02, &e);
  TU_CHECK(e.measured && !e.counter, "measured by instantaneous power");
  TU_CHECK(!strcmp(e.source, "battery:battery"), "source %s", e.source);
  NEAR(e.idle_watts, 0.35 * 3.8, "idle W");
  NEAR(e.window_watts, 0.7 * 3.8, "window W");
  NEAR(e.joules_per_inference, (0.7 * 3.8 - 0.35 * 3.8) * 0.02, "J per inference");
  TU_CHECK(e.frequency_throttled, "1.2 GHz after 1.8 GHz is throttling");
  TU_CHECK(e.thermal_throttled, "81 C crosses the 80 C trip");
  free(s);
  ew_sampler_free(&sp);
  ew_sensors_free(&set);
}

static void check_no_sensors(void) {
  new_root("empty");
  ew_sensors set;
  TU_CHECK(ew_sensors_discover(root, &set) == 0, "empty tree");
  ew_energy e;
  ew_energy_compute(&set, NULL, 0, 0, 1, 2, 3, 0.01, &e);
  TU_CHECK(!e.measured && !strcmp(e.source, "none") && e.joules_per_inference == 0, "no power: none");
  ew_sensors_free(&set);
}

/* The real thread at 200 Hz while this thread advances the RAPL counter. */
static void check_thread(const ew_sensors *set) {
  putll("class/powercap/intel-rapl:0/energy_uj", 0); /* below every value written next */
  ew_sampler sp;
  ew_sampler_init(&sp, set);
  TU_CHECK(ew_sampler_start(&sp, 200), "thread");
  long long uj = 0;
  struct timespec ms5 = {0, 5000000};
  for (int i = 0; i < 30; i++) {
    putll("class/powercap/intel-rapl:0/energy_uj", uj += 10000);
    nanosleep(&ms5, NULL);
  }
  ew_sampler_stop(&sp);
  ew_sample *s;
  size_t n = ew_sampler_take(&sp, 0, &s);
  size_t pkg = (size_t)(find(set, "intel-rapl:0/package-0") - set->s), k = 0;
  double last_t = -1, last_v = 0;
  int ordered = 1;
  for (size_t i = 0; i < n; i++) {
    if (s[i].sensor != pkg) continue;
    ordered &= s[i].t >= last_t && s[i].value >= last_v;
    last_t = s[i].t;
    last_v = s[i].value;
    k++;
  }
  TU_CHECK(k >= 5, "only %zu package samples in 150 ms at 200 Hz", k);
  TU_CHECK(ordered, "samples in time order, counter never going back");
  free(s);
  ew_sampler_free(&sp);
}

int main(void) {
  full_tree();
  ew_sensors set;
  ew_sensors_discover(root, &set);
  check_discovery(&set);
  check_readings(&set);
  check_counter_energy(&set);
  check_thread(&set);
  ew_sensors_free(&set);
  check_instant_energy();
  check_no_sensors();
  drop_root();
  return tu_finish("test_sensors");
}
