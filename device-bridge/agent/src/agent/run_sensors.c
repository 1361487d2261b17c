#define _POSIX_C_SOURCE 200809L
/* Sensors in the agent: DeviceInfo.sensors, and sampling during a Run (baseline, window, samples
 * streamed between iterations, Result.energy). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "agent.h"
#include "run_sensors.h"

void ew_device_info_sensors(const char *sysfs_root, Edgewise__Bridge__DeviceInfo *info) {
  ew_sensors set;
  ew_sensors_discover(sysfs_root, &set);
  info->sensors = calloc(set.n + 1, sizeof(char *));
  info->sensor_list = calloc(set.n + 1, sizeof(*info->sensor_list));
  for (size_t i = 0; info->sensors && info->sensor_list && i < set.n; i++) {
    const ew_sensor *s = &set.s[i];
    size_t len = strlen(s->name) + strlen(s->path) + 32;
    Edgewise__Bridge__Sensor *m = calloc(1, sizeof(*m));
    char *line = malloc(len);
    double *trips = calloc((size_t)s->n_trips + 1, sizeof(double));
    if (!m || !line || !trips) { free(m); free(line); free(trips); break; }
    snprintf(line, len, "%s %s %s", ew_sensor_kind_name(s->kind), s->name, s->path);
    edgewise__bridge__sensor__init(m);
    m->kind = (char *)ew_sensor_kind_name(s->kind);
    m->name = strdup(s->name);
    m->path = strdup(s->path);
    m->governor = strdup(s->governor);
    memcpy(trips, s->trips, (size_t)s->n_trips * sizeof(double));
    m->trip_celsius = trips;
    m->n_trip_celsius = (size_t)s->n_trips;
    info->sensors[info->n_sensors++] = line;
    info->sensor_list[info->n_sensor_list++] = m;
  }
  ew_sensors_free(&set);
}

void ew_device_info_sensors_free(Edgewise__Bridge__DeviceInfo *info) {
  for (size_t i = 0; i < info->n_sensors; i++) free(info->sensors[i]);
  for (size_t i = 0; i < info->n_sensor_list; i++) {
    free(info->sensor_list[i]->name);
    free(info->sensor_list[i]->path);
    free(info->sensor_list[i]->governor);
    free(info->sensor_list[i]->trip_celsius);
    free(info->sensor_list[i]);
  }
  free(info->sensors);
  free(info->sensor_list);
}

run_sensors *ew_run_sensors_begin(agent *a, const Edgewise__Bridge__Run *r) {
  run_sensors *rs = calloc(1, sizeof(*rs));
  if (!rs) return NULL;
  ew_sensors_discover(a->sysfs_root, &rs->set);
  if (!ew_sampler_init(&rs->sp, &rs->set)) { ew_run_sensors_free(rs); return NULL; }
  double idle = r->idle_baseline_seconds > 0 ? r->idle_baseline_seconds : 0.3;
  rs->t_base = ew_sampler_now(&rs->sp);
  ew_sampler_tick(&rs->sp, rs->t_base);
  ew_sampler_start(&rs->sp, r->sensor_rate_hz);
  struct timespec ts = {.tv_sec = (time_t)idle, .tv_nsec = (long)((idle - (double)(time_t)idle) * 1e9)};
  nanosleep(&ts, NULL);
  rs->t_idle_end = ew_sampler_now(&rs->sp);
  ew_sampler_tick(&rs->sp, rs->t_idle_end);
  return rs;
}

void ew_run_sensors_window(run_sensors *rs) {
  rs->t_win = ew_sampler_now(&rs->sp);
  ew_sampler_tick(&rs->sp, rs->t_win);
}

static void send_sample(agent *a, const run_sensors *rs, uint64_t run_id, const ew_sample *s) {
  const ew_sensor *se = &rs->set.s[s->sensor];
  char src[128];
  snprintf(src, sizeof(src), "%s:%s", ew_sensor_kind_name(se->kind), se->name);
  Edgewise__Bridge__Envelope env = EDGEWISE__BRIDGE__ENVELOPE__INIT;
  Edgewise__Bridge__PowerSample p = EDGEWISE__BRIDGE__POWER_SAMPLE__INIT;
  Edgewise__Bridge__ThermalSample t = EDGEWISE__BRIDGE__THERMAL_SAMPLE__INIT;
  Edgewise__Bridge__FrequencySample f = EDGEWISE__BRIDGE__FREQUENCY_SAMPLE__INIT;
  if (se->kind == EW_SRC_THERMAL) {
    t.run_id = run_id; t.t_seconds = s->t; t.zone = (char *)se->name; t.celsius = s->value;
    env.body_case = EDGEWISE__BRIDGE__ENVELOPE__BODY_THERMAL_SAMPLE;
    env.thermal_sample = &t;
  } else if (se->kind == EW_SRC_CPUFREQ) {
    f.run_id = run_id; f.t_seconds = s->t; f.cpu = (uint32_t)se->channel; f.khz = (uint64_t)s->value;
    f.governor = (char *)se->governor;
    env.body_case = EDGEWISE__BRIDGE__ENVELOPE__BODY_FREQUENCY_SAMPLE;
    env.frequency_sample = &f;
  } else {
    p.run_id = run_id; p.t_seconds = s->t; p.source = src; p.watts = s->watts;
    if (ew_sensor_is_counter(se->kind)) p.counter_joules = s->value;
    env.body_case = EDGEWISE__BRIDGE__ENVELOPE__BODY_POWER_SAMPLE;
    env.power_sample = &p;
  }
  ew_send(a, &env);
}

void ew_run_sensors_flush(agent *a, run_sensors *rs, uint64_t run_id) {
  ew_sample *s;
  size_t k = ew_sampler_take(&rs->sp, rs->sent, &s);
  for (size_t i = 0; i < k; i++) send_sample(a, rs, run_id, &s[i]);
  rs->sent += k;
  free(s);
}

void ew_run_sensors_end(agent *a, run_sensors *rs, uint64_t run_id, double mean_latency) {
  rs->t_end = ew_sampler_now(&rs->sp);
  ew_sampler_tick(&rs->sp, rs->t_end);
  ew_sampler_stop(&rs->sp);
  ew_run_sensors_flush(a, rs, run_id);
  ew_sample *s;
  size_t k = ew_sampler_take(&rs->sp, 0, &s);
  ew_energy_compute(&rs->set, s, k, rs->t_base, rs->t_idle_end, rs->t_win, rs->t_end, mean_latency, &rs->energy);
  rs->samples = k;
  free(s);
  if (rs->sp.dropped && rs->energy.measured) { /* the window's end is missing: no number */
    rs->energy.measured = 0;
    snprintf(rs->energy.source, sizeof(rs->energy.source), "none: sample buffer full, %zu readings dropped",
             rs->sp.dropped);
  }
}

void ew_run_sensors_fill(const run_sensors *rs, Edgewise__Bridge__Energy *e) {
  const ew_energy *en = &rs->energy;
  edgewise__bridge__energy__init(e);
  e->measured = en->measured;
  e->source = (char *)en->source;
  e->method = (char *)(!en->measured ? "" : en->counter ? "counter-delta" : "mean-instantaneous");
  e->idle_watts = en->idle_watts;
  e->window_watts = en->window_watts;
  e->baseline_seconds = en->baseline_seconds;
  e->window_seconds = en->window_seconds;
  e->joules_per_inference = en->joules_per_inference;
  e->inferences_per_second_per_watt = en->inferences_per_second_per_watt;
  e->frequency_throttled = en->frequency_throttled;
  e->thermal_throttled = en->thermal_throttled;
  e->samples = (uint32_t)rs->samples;
}

void ew_run_sensors_free(run_sensors *rs) {
  if (!rs) return;
  ew_sampler_free(&rs->sp);
  ew_sensors_free(&rs->set);
  free(rs);
}
