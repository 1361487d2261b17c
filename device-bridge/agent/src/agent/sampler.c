#define _POSIX_C_SOURCE 200809L
/* The sampling thread of a Run and the energy arithmetic over its samples. The thread only reads
 * files and appends to a locked buffer; the run loop sends what it finds there between iterations,
 * so stdout has a single writer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "sensors.h"

#define EW_MAX_SAMPLES (4u << 20) /* ~128 MiB worst case; past it samples are dropped, not grown */

static double mono(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int ew_sampler_init(ew_sampler *sp, const ew_sensors *set) {
  memset(sp, 0, sizeof(*sp));
  sp->set = set;
  sp->t0 = mono();
  sp->prev_value = calloc(set->n + 1, sizeof(double));
  sp->prev_t = calloc(set->n + 1, sizeof(double));
  for (size_t i = 0; sp->prev_t && i < set->n; i++) sp->prev_t[i] = -1;
  pthread_mutex_init(&sp->mu, NULL);
  return sp->prev_value && sp->prev_t;
}

double ew_sampler_now(const ew_sampler *sp) { return mono() - sp->t0; }

static void append(ew_sampler *sp, const ew_sample *s) {
  if (sp->n == sp->cap) {
    size_t cap = sp->cap ? 2 * sp->cap : 256;
    ew_sample *g = cap <= EW_MAX_SAMPLES ? realloc(sp->buf, cap * sizeof(*g)) : NULL;
    if (!g) { sp->dropped++; return; }
    sp->buf = g;
    sp->cap = cap;
  }
  sp->buf[sp->n++] = *s;
}

/* counter delta, unwrapped once by the counter's range (RAPL max_energy_range_uj) */
static double counter_delta(const ew_sensor *s, double from, double to) {
  double d = to - from;
  if (d < 0 && s->max_range > 0) d += s->max_range;
  return d;
}

void ew_sampler_tick(ew_sampler *sp, double t) {
  pthread_mutex_lock(&sp->mu);
  for (size_t i = 0; i < sp->set->n; i++) {
    const ew_sensor *se = &sp->set->s[i];
    ew_sample s = {.t = t, .sensor = (unsigned)i};
    if (!ew_sensor_read(se, &s.value)) continue;
    if (ew_sensor_is_counter(se->kind)) {
      double dt = t - sp->prev_t[i];
      s.watts = sp->prev_t[i] >= 0 && dt > 0 ? counter_delta(se, sp->prev_value[i], s.value) / dt : 0;
      sp->prev_t[i] = t;
      sp->prev_value[i] = s.value;
    } else if (ew_sensor_is_power(se->kind)) {
      s.watts = s.value;
    }
    append(sp, &s);
  }
  pthread_mutex_unlock(&sp->mu);
}

static void *loop(void *arg) {
  ew_sampler *sp = arg;
  double next = ew_sampler_now(sp);
  for (;;) {
    pthread_mutex_lock(&sp->mu);
    int stop = sp->stop;
    pthread_mutex_unlock(&sp->mu);
    if (stop) break;
    ew_sampler_tick(sp, ew_sampler_now(sp));
    next += sp->period;
    double wait = next - ew_sampler_now(sp);
    if (wait < 0) { next = ew_sampler_now(sp); continue; } /* fell behind: skip, never burst */
    struct timespec ts = {.tv_sec = (time_t)wait, .tv_nsec = (long)((wait - (double)(time_t)wait) * 1e9)};
    nanosleep(&ts, NULL);
  }
  return NULL;
}

int ew_sampler_start(ew_sampler *sp, double hz) {
  sp->period = 1.0 / hz;
  sp->stop = 0;
  sp->running = pthread_create(&sp->th, NULL, loop, sp) == 0;
  return sp->running;
}

void ew_sampler_stop(ew_sampler *sp) {
  if (!sp->running) return;
  pthread_mutex_lock(&sp->mu);
  sp->stop = 1;
  pthread_mutex_unlock(&sp->mu);
  pthread_join(sp->th, NULL);
  sp->running = 0;
}

void ew_sampler_free(ew_sampler *sp) {
  ew_sampler_stop(sp);
  pthread_mutex_destroy(&sp->mu);
  free(sp->buf);
  free(sp->prev_value);
  free(sp->prev_t);
}

size_t ew_sampler_take(ew_sampler *sp, size_t from, ew_sample **out) {
  pthread_mutex_lock(&sp->mu);
  size_t k = from < sp->n ? sp->n - from : 0;
  *out = malloc((k ? k : 1) * sizeof(ew_sample));
  if (*out && k) memcpy(*out, sp->buf + from, k * sizeof(ew_sample));
  else k = 0;
  pthread_mutex_unlock(&sp->mu);
  return k;
}

/* RAPL subdomains (intel-rapl:0:0, core/uncore) are inside their package: summing them would count
 * the same joules twice. */
static int primary(const ew_sensor *s, ew_src_kind kind) {
  if (s->kind != kind) return 0;
  if (kind == EW_SRC_RAPL) return strchr(strchr(s->name, ':') ? strchr(s->name, ':') + 1 : s->name, ':') == NULL;
  return 1;
}

/* Mean power of one sensor over [a, b]. Counters: summed per-step deltas / (last - first) time, so
 * each wrap inside the interval is unwrapped. Instantaneous: the mean of the samples, where the
 * boundary sample at the window start (taken idle) counts for the baseline only. */
static int sensor_watts(const ew_sensor *se, unsigned idx, const ew_sample *s, size_t n, double a, double b,
                        int is_window, double *watts) {
  int counter = ew_sensor_is_counter(se->kind);
  double first_t = 0, last_t = 0, last_v = 0, sum = 0;
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i].sensor != idx || s[i].t < a || s[i].t > b) continue;
    if (!counter && (is_window ? s[i].t == a : s[i].t == b)) continue;
    if (k == 0) first_t = s[i].t;
    if (counter && k > 0) sum += counter_delta(se, last_v, s[i].value);
    if (!counter) sum += s[i].value;
    last_t = s[i].t;
    last_v = s[i].value;
    k++;
  }
  if (counter) {
    if (k < 2 || last_t <= first_t) return 0;
    *watts = sum / (last_t - first_t);
  } else {
    if (k == 0) return 0;
    *watts = sum / (double)k;
  }
  return 1;
}

static void throttling(const ew_sensors *set, const ew_sample *s, size_t n, double t_win, double t_end,
                       ew_energy *out) {
  for (size_t j = 0; j < set->n; j++) {
    const ew_sensor *se = &set->s[j];
    if (se->kind != EW_SRC_CPUFREQ && se->kind != EW_SRC_THERMAL) continue;
    double start_max = -1, lowest_trip = 0;
    for (int k = 0; k < se->n_trips; k++)
      if (lowest_trip == 0 || se->trips[k] < lowest_trip) lowest_trip = se->trips[k];
    for (size_t i = 0; i < n; i++) {
      if (s[i].sensor != j || s[i].t > t_end) continue;
      if (se->kind == EW_SRC_CPUFREQ) {
        if (s[i].t <= t_win) { if (s[i].value > start_max) start_max = s[i].value; }
        else if (start_max > 0 && s[i].value < start_max) out->frequency_throttled = 1;
      } else if (s[i].t >= t_win && se->n_trips && s[i].value >= lowest_trip) {
        out->thermal_throttled = 1;
      }
    }
  }
}

void ew_energy_compute(const ew_sensors *set, const ew_sample *s, size_t n, double t_base, double t_idle_end,
                       double t_win, double t_end, double mean_latency, ew_energy *out) {
  memset(out, 0, sizeof(*out));
  snprintf(out->source, sizeof(out->source), "none");
  out->baseline_seconds = t_idle_end - t_base;
  out->window_seconds = t_end - t_win;
  throttling(set, s, n, t_win, t_end, out);
  for (int kind = EW_SRC_RAPL; kind <= EW_SRC_BATTERY; kind++) {
    double idle = 0, win = 0;
    size_t used = 0, len = 0;
    char src[160] = "";
    for (size_t j = 0; j < set->n; j++) {
      const ew_sensor *se = &set->s[j];
      if (!primary(se, (ew_src_kind)kind)) continue;
      double wi, ww;
      if (!sensor_watts(se, (unsigned)j, s, n, t_base, t_idle_end, 0, &wi) ||
          !sensor_watts(se, (unsigned)j, s, n, t_win, t_end, 1, &ww))
        continue;
      idle += wi;
      win += ww;
      if (len < sizeof(src))
        len += (size_t)snprintf(src + len, sizeof(src) - len, "%s%s", used ? "+" : "", se->name);
      used++;
    }
    if (!used) continue;
    out->measured = 1;
    out->counter = ew_sensor_is_counter((ew_src_kind)kind);
    snprintf(out->source, sizeof(out->source), "%s:%s", ew_sensor_kind_name((ew_src_kind)kind), src);
    out->idle_watts = idle;
    out->window_watts = win;
    out->joules_per_inference = (win - idle) * mean_latency;
    out->inferences_per_second_per_watt =
        out->joules_per_inference > 0 ? 1.0 / out->joules_per_inference : 0;
    return;
  }
}
