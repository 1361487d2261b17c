/* Power, thermal and frequency sensors under a sysfs root (sensors.c), a sampling thread and the
 * energy arithmetic of a Run (sampler.c). Units after reading: power sources W, energy counters J,
 * thermal zones degrees C, cpufreq kHz. Heuristics are documented in docs/bridge-protocol.md. */
#ifndef EW_SENSORS_H
#define EW_SENSORS_H
#include <pthread.h>
#include <stddef.h>

typedef enum ew_src_kind {
  EW_SRC_RAPL,        /* class/powercap/intel-rapl*: energy_uj counter */
  EW_SRC_IIO,         /* bus/iio/devices/iio:device*: energy_value, one sensor per rail */
  EW_SRC_HWMON_POWER, /* class/hwmon/hwmon*: powerN_input, uW */
  EW_SRC_HWMON_VI,    /* class/hwmon/hwmon*: currN_input mA x inN_input mV */
  EW_SRC_BATTERY,     /* class/power_supply/<supply>: current_now x voltage_now */
  EW_SRC_THERMAL,     /* class/thermal/thermal_zone*: temp, milli-degC */
  EW_SRC_CPUFREQ,     /* devices/system/cpu/cpu*: cpufreq/scaling_cur_freq, kHz */
  EW_SRC_KINDS
} ew_src_kind;

#define EW_MAX_TRIPS 8
typedef struct ew_sensor {
  ew_src_kind kind;
  char name[96];
  char path[512];   /* the file read */
  char path2[512];  /* the voltage file (battery, hwmon VI) */
  int channel;      /* IIO: the CHn of energy_value; cpufreq: the cpu number */
  double max_range; /* RAPL: max_energy_range_uj in J (wrap-around); 0 = unknown */
  double trips[EW_MAX_TRIPS]; /* thermal: trip points, degC */
  int n_trips;
  char governor[32]; /* cpufreq: scaling_governor at discovery */
} ew_sensor;

typedef struct ew_sensors {
  ew_sensor *s;
  size_t n, cap;
} ew_sensors;

const char *ew_sensor_kind_name(ew_src_kind k);
int ew_sensor_is_counter(ew_src_kind k);
int ew_sensor_is_power(ew_src_kind k);
/* Finds every sensor under root (missing directories are no error); returns the count. */
size_t ew_sensors_discover(const char *root, ew_sensors *out);
void ew_sensors_free(ew_sensors *set);
/* One reading in the units above; 0 when the file is gone or unparseable. */
int ew_sensor_read(const ew_sensor *s, double *value);
/* Battery unit heuristics, exposed for tests: raw sysfs value -> A or V. */
double ew_battery_amps(long long raw);
double ew_battery_volts(long long raw);

typedef struct ew_sample {
  double t;        /* seconds since the sampler started */
  unsigned sensor; /* index in the ew_sensors */
  double value;    /* reading in the units above */
  double watts;    /* power sources: instantaneous, or counter delta / dt since the previous sample */
} ew_sample;

typedef struct ew_sampler {
  const ew_sensors *set;
  double period, t0;
  ew_sample *buf;
  size_t n, cap, dropped; /* dropped: readings lost to a full buffer */
  double *prev_value, *prev_t; /* per sensor, for counter deltas */
  int stop, running;
  pthread_t th;
  pthread_mutex_t mu;
} ew_sampler;

int ew_sampler_init(ew_sampler *sp, const ew_sensors *set);
/* Reads every sensor once at time t (seconds since init); thread-safe. */
void ew_sampler_tick(ew_sampler *sp, double t);
double ew_sampler_now(const ew_sampler *sp);
int ew_sampler_start(ew_sampler *sp, double hz);
void ew_sampler_stop(ew_sampler *sp);
void ew_sampler_free(ew_sampler *sp);
/* Copies samples [from, n) into out (malloc'd); returns how many. */
size_t ew_sampler_take(ew_sampler *sp, size_t from, ew_sample **out);

typedef struct ew_energy {
  int measured;        /* 1 when a power source gave the numbers below */
  char source[160];    /* "rapl:package-0", "battery:battery", or "none" */
  int counter;         /* 1: energy-counter deltas; 0: mean of instantaneous power */
  double idle_watts, window_watts, baseline_seconds, window_seconds;
  double joules_per_inference, inferences_per_second_per_watt;
  int frequency_throttled, thermal_throttled;
} ew_energy;

/* Idle baseline [t_base, t_idle_end], measured window [t_win, t_end] (warm-up lies between). The
 * power sources of the most trusted kind present are summed (RAPL: top-level domains only). */
void ew_energy_compute(const ew_sensors *set, const ew_sample *s, size_t n, double t_base, double t_idle_end,
                       double t_win, double t_end, double mean_latency, ew_energy *out);
#endif
