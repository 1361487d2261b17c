#define _POSIX_C_SOURCE 200809L
/* Scripted sessions for edgewise-agent (run_agent_case.sh):
 *   agent_script write CASE FILE      writes the host->agent byte stream of CASE
 *   agent_script check CASE FILE RC   checks the agent's answers (FILE) and exit code RC
 * Cases: ok, truncated, oversize, badchunk, version, runfirst, cancel, sensors (the agent reads
 * the fake sysfs tree FILE.sysfs that write makes), android (fake getprop under FILE.android),
 * autotune, deferred (Run.defer_timings), and over TCP (agent_tcp): tcp_ok, tcp_badtoken,
 * tcp_notfirst; heartbeat (--heartbeat-ms 20, an empty tree). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>
#include "agent.h"
#include "plan_builder.h"
#include "testutil.h"



static void put(FILE *f, Edgewise__Bridge__Envelope *e) {
  size_t n = edgewise__bridge__envelope__get_packed_size(e);
  uint8_t *p = malloc(n + 1);
  edgewise__bridge__envelope__pack(e, p);
  uint64_t v = n;
  do { fputc((int)((v & 0x7f) | (v > 0x7f ? 0x80 : 0)), f); v >>= 7; } while (v);
  fwrite(p, 1, n, f);
  free(p);
}

/* the session token agent_tcp gives the agent (EDGEWISE_AGENT_TOKEN) */
#define TCP_TOKEN "3f1c9a7e55d04b6a8e2b71c0d9f4a613"
static const char *hello_token = "";

static void hello(FILE *f, uint32_t version) {
  Edgewise__Bridge__Hello h = EDGEWISE__BRIDGE__HELLO__INIT;
  h.protocol_version = version;
  h.session_token = (char *)hello_token;
  Edgewise__Bridge__Envelope e = EDGEWISE__BRIDGE__ENVELOPE__INIT;
  e.body_case = EDGEWISE__BRIDGE__ENVELOPE__BODY_HELLO;
  e.hello = &h;
  put(f, &e);
}

static void chunk(FILE *f, const tiny_net *t, uint32_t index, uint32_t total, int corrupt_sha) {
  uint8_t sha[32];
  ew_sha256(t->plan, t->plan_len, sha);
  if (corrupt_sha) sha[0] ^= 1;
  size_t per = (t->plan_len + total - 1) / total;
  size_t off = index < total ? per * index : 0, len = 0;
  if (off < t->plan_len) len = t->plan_len - off < per ? t->plan_len - off : per;
  Edgewise__Bridge__LoadPlan c = EDGEWISE__BRIDGE__LOAD_PLAN__INIT;
  c.index = index;
  c.total = total;
  c.total_bytes = t->plan_len;
  c.sha256.data = sha;
  c.sha256.len = 32;
  c.data.data = t->plan + off;
  c.data.len = len;
  Edgewise__Bridge__Envelope e = EDGEWISE__BRIDGE__ENVELOPE__INIT;
  e.body_case = EDGEWISE__BRIDGE__ENVELOPE__BODY_LOAD_PLAN;
  e.load_plan = &c;
  put(f, &e);
}

static void load(FILE *f, const tiny_net *t) {
  for (uint32_t i = 0; i < 3; i++) chunk(f, t, i, 3, 0);
}

/* iterations 0: a one-hour duration run (the cancel case) */
static int wrong_dims; /* 1: the input claims dims 1x2x3, which no tiny_net input has */
static double sensor_hz; /* Run.sensor_rate_hz of the next run() */
static int no_profile, defer; /* Run.profile_layers off / Run.defer_timings on */

static void run(FILE *f, const tiny_net *t, uint64_t id, uint32_t iterations, size_t input_bytes) {
  Edgewise__Bridge__Tensor in = EDGEWISE__BRIDGE__TENSOR__INIT;
  uint32_t dims[] = {1, 2, 3};
  if (wrong_dims) { in.n_dims = 3; in.dims = dims; }
  in.data.data = (uint8_t *)t->input;
  in.data.len = input_bytes;
  Edgewise__Bridge__Tensor *ins[] = {&in};
  Edgewise__Bridge__Run r = EDGEWISE__BRIDGE__RUN__INIT;
  r.run_id = id;
  r.warmup = 2;
  r.iterations = iterations;
  r.duration_seconds = iterations ? 0 : 3600;
  r.threads = 2;
  r.profile_layers = !no_profile;
  r.defer_timings = defer;
  r.n_inputs = 1;
  r.inputs = ins;
  r.return_outputs = 1;
  r.sensor_rate_hz = sensor_hz;
  r.idle_baseline_seconds = sensor_hz > 0 ? 0.2 : 0;
  Edgewise__Bridge__Envelope e = EDGEWISE__BRIDGE__ENVELOPE__INIT;
  e.body_case = EDGEWISE__BRIDGE__ENVELOPE__BODY_RUN;
  e.run = &r;
  put(f, &e);
}

static void simple(FILE *f, int body) {
  Edgewise__Bridge__Cancel c = EDGEWISE__BRIDGE__CANCEL__INIT;
  Edgewise__Bridge__Bye b = EDGEWISE__BRIDGE__BYE__INIT;
  Edgewise__Bridge__Envelope e = EDGEWISE__BRIDGE__ENVELOPE__INIT;
  e.body_case = body;
  if (body == EDGEWISE__BRIDGE__ENVELOPE__BODY_CANCEL) e.cancel = &c; else e.bye = &b;
  put(f, &e);
}

static void put_file(const char *dir, const char *rel, const char *text) {
  char p[600];
  snprintf(p, sizeof(p), "%s/%s", dir, rel);
  for (char *c = p + strlen(dir) + 1; *c; c++)
    if (*c == '/') { *c = 0; mkdir(p, 0755); *c = '/'; }
  FILE *f = fopen(p, "w");
  if (f) { fputs(text, f); fclose(f); }
}

/* a phone-like tree: battery in uA/uV (negative while discharging), one zone, one cpu; while the
 * agent runs, run_agent_case.sh flips the current between -350000 uA and 700 mA */
static void sensor_tree(const char *file) {
  char dir[520];
  snprintf(dir, sizeof(dir), "%s.sysfs", file);
  mkdir(dir, 0755);
  put_file(dir, "class/power_supply/battery/current_now", "-350000\n");
  put_file(dir, "class/power_supply/battery/voltage_now", "3800000\n");
  put_file(dir, "class/thermal/thermal_zone0/type", "cpu-thermal\n");
  put_file(dir, "class/thermal/thermal_zone0/temp", "45000\n");
  put_file(dir, "class/thermal/thermal_zone0/trip_point_0_temp", "80000\n");
  put_file(dir, "devices/system/cpu/cpu0/cpufreq/scaling_cur_freq", "1800000\n");
  put_file(dir, "devices/system/cpu/cpu0/cpufreq/scaling_governor", "performance\n");
}

/* layer2: a second layer name, or NULL */
static void autotune(FILE *f, uint64_t id, const char *layer, const char *layer2) {
  Edgewise__Bridge__Autotune a = EDGEWISE__BRIDGE__AUTOTUNE__INIT;
  char *layers[] = {(char *)layer, (char *)layer2};
  a.run_id = id;
  a.iterations = 3;
  a.warmup = 1;
  a.threads = 2;
  a.n_layers = layer ? (layer2 ? 2 : 1) : 0;
  a.layers = layers;
  Edgewise__Bridge__Envelope e = EDGEWISE__BRIDGE__ENVELOPE__INIT;
  e.body_case = EDGEWISE__BRIDGE__ENVELOPE__BODY_AUTOTUNE;
  e.autotune = &a;
  put(f, &e);
}

/* A getprop that prints what a phone prints, some keys missing, a value with brackets */
static void android_tree(const char *file) {
  char dir[520];
  snprintf(dir, sizeof(dir), "%s.android", file);
  mkdir(dir, 0755);
  put_file(dir, "system/bin/getprop",
           "#!/bin/sh\n"
           "[ $# -eq 0 ] || exit 1\n"
           "echo '[dalvik.vm.heapsize]: [512m]'\n"
           "echo '[ro.build.version.release]: [14]'\n"
           "echo '[ro.build.version.sdk]: [34]'\n"
           "echo '[ro.product.cpu.abi]: [arm64-v8a]'\n"
           "echo '[ro.product.manufacturer]: [Google]'\n"
           "echo '[ro.product.model]: [Pixel 8 [test]]'\n"
           "echo 'garbage line'\n"
           "echo '[ro.soc.model]: []'\n"
           "echo '[ro.board.platform]: [zuma]'\n");
  char p[600];
  snprintf(p, sizeof(p), "%s/system/bin/getprop", dir);
  chmod(p, 0755);
}

static void write_case(const char *name, FILE *f, const tiny_net *t) {
  size_t in_bytes = t->n_input * sizeof(float);
  if (!strncmp(name, "tcp_", 4)) hello_token = !strcmp(name, "tcp_badtoken") ? "3f1c9a7e55d04b6a8e2b71c0d9f4a614" : TCP_TOKEN;
  if (!strcmp(name, "version")) { hello(f, 2); load(f, t); return; }
  if (!strcmp(name, "tcp_notfirst")) { load(f, t); hello(f, EW_PROTOCOL_VERSION); return; }
  hello(f, EW_PROTOCOL_VERSION);
  if (!strcmp(name, "heartbeat")) { /* a 0.2 s idle baseline sends nothing but heartbeats */
    sensor_hz = 10;
    load(f, t);
    run(f, t, 13, 2, in_bytes);
    simple(f, EDGEWISE__BRIDGE__ENVELOPE__BODY_BYE); /* read during the run: it finishes, then the agent exits */
    sensor_hz = 0;
    return;
  }
  if (!strcmp(name, "tcp_badtoken")) { load(f, t); return; }
  if (!strcmp(name, "ok") || !strcmp(name, "tcp_ok")) {
    load(f, t);
    run(f, t, 7, 5, in_bytes);
  } else if (!strcmp(name, "truncated")) {
    fputc(100, f);
    fwrite("0123456789", 1, 10, f);
    return;
  } else if (!strcmp(name, "oversize")) {
    const uint8_t big[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x20}; /* 1 << 40 */
    fwrite(big, 1, sizeof(big), f);
    return;
  } else if (!strcmp(name, "badchunk")) {
    chunk(f, t, 0, 3, 0);
    chunk(f, t, 2, 3, 0);       /* skipped index 1 */
    chunk(f, t, 5, 3, 0);       /* index beyond total, no upload open */
    chunk(f, t, 0, 1, 1);       /* whole plan, wrong digest */
    load(f, t);                 /* then a good upload still works */
  } else if (!strcmp(name, "runfirst")) {
    run(f, t, 1, 2, in_bytes);  /* before LoadPlan */
    const uint8_t junk[] = {5, 0xff, 0xff, 0xff, 0xff, 0xff};
    fwrite(junk, 1, sizeof(junk), f);
    load(f, t);
    run(f, t, 2, 2, in_bytes - 4); /* input size vs plan */
    wrong_dims = 1;
    run(f, t, 4, 2, in_bytes);
    wrong_dims = 0;
    run(f, t, 3, 2, in_bytes);
  } else if (!strcmp(name, "sensors")) {
    load(f, t);
    sensor_hz = 200;
    run(f, t, 11, 5, in_bytes);
  } else if (!strcmp(name, "cancel")) {
    load(f, t);
    run(f, t, 9, 0, in_bytes);
    simple(f, EDGEWISE__BRIDGE__ENVELOPE__BODY_CANCEL);
  } else if (!strcmp(name, "autotune")) {
    /* one measuring Autotune, last: like a Run, it answers anything but Cancel/Bye "busy" */
    autotune(f, 20, NULL, NULL);       /* before a plan */
    load(f, t);
    autotune(f, 21, "pool1", NULL);    /* not a conv */
    autotune(f, 22, "dw2", "conv1");   /* results come in plan order; dw1 is not measured */
  } else if (!strcmp(name, "deferred")) {
    load(f, t);
    no_profile = defer = 1;
    run(f, t, 12, 6, in_bytes);
  }
  simple(f, EDGEWISE__BRIDGE__ENVELOPE__BODY_BYE);
}

typedef struct reply { Edgewise__Bridge__Envelope **e; size_t n; } reply;

static reply read_replies(const char *path) {
  reply r = {0};
  ew_reader *rd = calloc(1, sizeof(*rd));
  FILE *f = fopen(path, "rb");
  if (!f || !rd) { printf("cannot read %s\n", path); exit(1); }
  rd->fd = fileno(f);
  uint8_t *msg;
  size_t len;
  uint64_t declared;
  while (ew_wire_read(rd, &msg, &len, &declared) == EW_WIRE_OK) {
    Edgewise__Bridge__Envelope *e = edgewise__bridge__envelope__unpack(NULL, len, msg);
    free(msg);
    TU_CHECK(e != NULL, "reply %zu of %s does not decode", r.n, path);
    if (!e) break;
    r.e = realloc(r.e, (r.n + 1) * sizeof(*r.e));
    r.e[r.n++] = e;
  }
  fclose(f);
  free(rd);
  return r;
}

static int body(const reply *r, size_t i) { return i < r->n ? (int)r->e[i]->body_case : -1; }

static void expect_error(const reply *r, size_t i, int code, int fatal) {
  TU_CHECK(body(r, i) == EDGEWISE__BRIDGE__ENVELOPE__BODY_ERROR, "reply %zu is body %d, want Error", i, body(r, i));
  if (body(r, i) != EDGEWISE__BRIDGE__ENVELOPE__BODY_ERROR) return;
  const Edgewise__Bridge__Error *e = r->e[i]->error;
  printf("  error %d%s: %s\n", e->code, e->fatal ? " (fatal)" : "", e->message);
  TU_CHECK((int)e->code == code && e->fatal == fatal, "reply %zu: error code %d fatal %d, want %d %d", i,
           e->code, e->fatal, code, fatal);
}

static void expect_progress(const reply *r, size_t i, const char *stage) {
  TU_CHECK(body(r, i) == EDGEWISE__BRIDGE__ENVELOPE__BODY_PROGRESS &&
           !strcmp(r->e[i]->progress->stage, stage), "reply %zu: want Progress %s", i, stage);
}

/* from reply i: (IterationTiming, LayerTimings)* then Result; returns the index after Result.
 * Without per-layer profiling (no_profile), IterationTimings alone. */
static size_t expect_run(const reply *r, size_t i, uint64_t id, int want_count, const tiny_net *t) {
  double sum = 0;
  uint32_t k = 0;
  for (; body(r, i) == EDGEWISE__BRIDGE__ENVELOPE__BODY_ITERATION_TIMING; i += no_profile ? 1 : 2, k++) {
    const Edgewise__Bridge__IterationTiming *it = r->e[i]->iteration_timing;
    TU_CHECK(it->run_id == id && it->iteration == k && it->seconds > 0, "timing %u: run %llu iteration %u %.3g s",
             k, (unsigned long long)it->run_id, it->iteration, it->seconds);
    sum += it->seconds;
    if (no_profile) continue;
    TU_CHECK(body(r, i + 1) == EDGEWISE__BRIDGE__ENVELOPE__BODY_LAYER_TIMINGS, "reply %zu: want LayerTimings", i + 1);
    if (body(r, i + 1) != EDGEWISE__BRIDGE__ENVELOPE__BODY_LAYER_TIMINGS) return r->n;
    const Edgewise__Bridge__LayerTimings *lt = r->e[i + 1]->layer_timings;
    double layers = 0;
    for (size_t j = 0; j < lt->n_seconds; j++) layers += lt->seconds[j];
    TU_CHECK(lt->n_seconds > 0 && layers <= it->seconds * 1.0001 && (k > 0 || lt->n_layers == lt->n_seconds),
             "layer timings of iteration %u: %zu ops, %zu names, sum %.3g s of %.3g s", k, lt->n_seconds,
             lt->n_layers, layers, it->seconds);
  }
  TU_CHECK(body(r, i) == EDGEWISE__BRIDGE__ENVELOPE__BODY_RESULT, "reply %zu is body %d, want Result", i, body(r, i));
  if (body(r, i) != EDGEWISE__BRIDGE__ENVELOPE__BODY_RESULT) return r->n;
  const Edgewise__Bridge__Result *res = r->e[i]->result;
  const Edgewise__Bridge__Statistics *s = res->stats;
  TU_CHECK(res->run_id == id && s && s->count == k, "Result run %llu count %u, %u timings streamed",
           (unsigned long long)res->run_id, s ? s->count : 0, k);
  if (want_count >= 0) TU_CHECK(k == (uint32_t)want_count, "%u iterations, asked %d", k, want_count);
  else TU_CHECK(res->cancelled, "the run was not cancelled");
  if (s && k) {
    TU_CHECK(s->min <= s->p50 && s->p50 <= s->p90 && s->p90 <= s->p99 && s->p99 <= s->max && s->std >= 0,
             "statistics out of order: %g %g %g %g %g", s->min, s->p50, s->p90, s->p99, s->max);
    TU_CHECK(fabs(s->mean - sum / k) <= 1e-9 * (sum / k), "mean %.9g vs streamed %.9g", s->mean, sum / k);
    TU_CHECK(res->n_outputs == 1 && res->outputs[0]->data.len == t->n_output * sizeof(float),
             "outputs: %zu", res->n_outputs);
    if (res->n_outputs == 1 && res->outputs[0]->data.len == t->n_output * sizeof(float)) {
      float got[64];
      memcpy(got, res->outputs[0]->data.data, t->n_output * sizeof(float));
      tu_close("agent output vs reference", got, t->want, NULL, t->n_output, 1e-4f, 1e-6f);
    }
  }
  return i + 1;
}

/* Takes the sample messages out of r (they interleave with timings) and checks them and the
 * DeviceInfo and Result.energy against the tree of sensor_tree(). */
static void check_sensors(reply *r) {
  size_t kept = 0, power = 0, thermal = 0, freq = 0;
  int seen_low = 0, seen_high = 0;
  for (size_t i = 0; i < r->n; i++) {
    Edgewise__Bridge__Envelope *e = r->e[i];
    if (e->body_case == EDGEWISE__BRIDGE__ENVELOPE__BODY_POWER_SAMPLE) {
      power++;
      double w = e->power_sample->watts;
      int low = fabs(w - 0.35 * 3.8) < 1e-9, high = fabs(w - 0.7 * 3.8) < 1e-9;
      seen_low |= low;
      seen_high |= high;
      TU_CHECK(!strcmp(e->power_sample->source, "battery:battery") && (low || high) && e->power_sample->run_id == 11,
               "power sample %s %.9g W, want 1.33 or 2.66", e->power_sample->source, w);
    } else if (e->body_case == EDGEWISE__BRIDGE__ENVELOPE__BODY_THERMAL_SAMPLE) {
      thermal++;
      TU_CHECK(!strcmp(e->thermal_sample->zone, "thermal_zone0/cpu-thermal") && e->thermal_sample->celsius == 45.0,
               "thermal sample %s %g", e->thermal_sample->zone, e->thermal_sample->celsius);
    } else if (e->body_case == EDGEWISE__BRIDGE__ENVELOPE__BODY_FREQUENCY_SAMPLE) {
      freq++;
      TU_CHECK(e->frequency_sample->cpu == 0 && e->frequency_sample->khz == 1800000 &&
               !strcmp(e->frequency_sample->governor, "performance"), "frequency sample");
    } else {
      r->e[kept++] = e;
      continue;
    }
    edgewise__bridge__envelope__free_unpacked(e, NULL);
  }
  r->n = kept;
  TU_CHECK(seen_low && seen_high, "the flipping current was seen as 1.33 W (%d) and 2.66 W (%d)", seen_low, seen_high);
  /* boundary samples alone: baseline start and end, window start and end */
  TU_CHECK(power >= 4 && power == thermal && power == freq, "samples: %zu power %zu thermal %zu freq", power,
           thermal, freq);
  const Edgewise__Bridge__DeviceInfo *di = kept ? r->e[0]->device_info : NULL;
  TU_CHECK(di && di->n_sensors == 3 && di->n_sensor_list == 3, "DeviceInfo lists %zu sensors", di ? di->n_sensors : 0);
  if (di && di->n_sensor_list == 3) {
    TU_CHECK(!strcmp(di->sensor_list[0]->kind, "battery") && strstr(di->sensors[0], "battery battery ") == di->sensors[0] &&
             strstr(di->sensor_list[0]->path, "class/power_supply/battery/current_now"), "battery entry: %s", di->sensors[0]);
    TU_CHECK(di->sensor_list[1]->n_trip_celsius == 1 && di->sensor_list[1]->trip_celsius[0] == 80.0, "trip point");
  }
  const Edgewise__Bridge__Result *res = kept && r->e[kept - 1]->body_case == EDGEWISE__BRIDGE__ENVELOPE__BODY_RESULT
                                             ? r->e[kept - 1]->result : NULL;
  const Edgewise__Bridge__Energy *en = res ? res->energy : NULL;
  TU_CHECK(en && en->measured && !strcmp(en->source, "battery:battery") && !strcmp(en->method, "mean-instantaneous"),
           "energy: %s %s", en ? en->source : "(none)", en ? en->method : "");
  if (en && res->stats) {
    double lo = 0.35 * 3.8 - 1e-9, hi = 0.7 * 3.8 + 1e-9, j = (en->window_watts - en->idle_watts) * res->stats->mean;
    TU_CHECK(en->idle_watts >= lo && en->idle_watts <= hi && en->window_watts >= lo && en->window_watts <= hi,
             "mean watts between the two readings: idle %.9g window %.9g", en->idle_watts, en->window_watts);
    TU_CHECK(fabs(en->joules_per_inference - j) <= 1e-12 * fabs(j) &&
             en->inferences_per_second_per_watt == (j > 0 ? 1.0 / en->joules_per_inference : 0),
             "J/inference %.9g, want (window - idle) x mean latency = %.9g; inf/s/W %.9g", en->joules_per_inference,
             j, en->inferences_per_second_per_watt);
    TU_CHECK(en->baseline_seconds >= 0.2 && en->window_seconds > 0 && en->samples == power + thermal + freq &&
             !en->frequency_throttled && !en->thermal_throttled, "energy window %g/%g s, %u samples",
             en->baseline_seconds, en->window_seconds, en->samples);
  }
}

static const Edgewise__Bridge__AutotuneResult *tuned(const reply *r, size_t i) {
  return body(r, i) == EDGEWISE__BRIDGE__ENVELOPE__BODY_AUTOTUNE_RESULT ? r->e[i]->autotune_result : NULL;
}

/* from reply i: Progress, then one AutotuneResult per conv kernel, per layer; AutotuneDone */
static size_t expect_autotune(const reply *r, size_t i, uint64_t id, const char *const *layers, size_t n_layers) {
  uint32_t measured = 0, skipped = 0;
  for (size_t l = 0; l < n_layers; l++) {
    expect_progress(r, i++, "autotune");
    int current = 0;
    const Edgewise__Bridge__AutotuneResult *a;
    for (; (a = tuned(r, i)) && !strcmp(a->layer, layers[l]); i++) {
      TU_CHECK(a->run_id == id, "autotune result of run %llu", (unsigned long long)a->run_id);
      if (*a->skipped) {
        skipped++;
        TU_CHECK(a->runs == 0 && a->seconds == 0 && !a->current, "%s %s skipped but timed", a->layer, a->kernel);
      } else {
        measured++;
        TU_CHECK(a->runs == 3 && a->seconds > 0 && a->min_seconds > 0 && a->min_seconds <= a->seconds,
                 "%s %s: %u runs, median %g s, min %g s", a->layer, a->kernel, a->runs, a->seconds, a->min_seconds);
      }
      current += a->current;
      printf("  autotune %-6s %-24s %s %.2f us%s%s\n", a->layer, a->kernel, a->current ? "*" : " ", a->seconds * 1e6,
             *a->skipped ? "  skipped: " : "", a->skipped);
    }
    TU_CHECK(current == 1, "layer %s: %d results marked current", layers[l], current);
  }
  TU_CHECK(body(r, i) == EDGEWISE__BRIDGE__ENVELOPE__BODY_AUTOTUNE_DONE, "reply %zu is body %d, want AutotuneDone", i,
           body(r, i));
  if (body(r, i) == EDGEWISE__BRIDGE__ENVELOPE__BODY_AUTOTUNE_DONE) {
    const Edgewise__Bridge__AutotuneDone *d = r->e[i]->autotune_done;
    TU_CHECK(d->run_id == id && d->layers == n_layers && d->measured == measured && d->skipped == skipped &&
             !d->cancelled, "AutotuneDone %u layers %u measured %u skipped, counted %u/%u", d->layers, d->measured,
             d->skipped, measured, skipped);
  }
  return i + 1;
}

/* Which kernels the runtime measured for a layer: facts of the plan format (every conv takes
 * CONV_DIRECT; depthwise kernels only depthwise layers of their stride; Winograd only dense
 * 3x3 stride 1; 1x1 GEMM only 1x1). */
static int was_measured(const reply *r, const char *layer, int kernel) {
  for (size_t i = 0; i < r->n; i++) {
    const Edgewise__Bridge__AutotuneResult *a = tuned(r, i);
    if (a && a->run_id == 22 && !strcmp(a->layer, layer) && (int)a->kernel_id == kernel) return !*a->skipped;
  }
  return -1;
}

static void check_autotune(const reply *r) {
  expect_error(r, 1, EDGEWISE__BRIDGE__ERROR_CODE__BAD_SEQUENCE, 0);
  expect_progress(r, 2, "plan loaded");
  expect_error(r, 3, EDGEWISE__BRIDGE__ERROR_CODE__BAD_ARGUMENT, 0);
  static const char *const chosen[] = {"conv1", "dw2"};
  size_t i = expect_autotune(r, 4, 22, chosen, 2);
  TU_CHECK(r->n == i, "%zu replies, expected %zu", r->n, i);
  struct { const char *layer; int kernel, want; } facts[] = {
      {"conv1", EDGEWISE__PLAN__KERNEL_ID__CONV_DIRECT, 1},
      {"conv1", EDGEWISE__PLAN__KERNEL_ID__CONV3X3S1_WINOGRAD_F43, 1},
      {"conv1", EDGEWISE__PLAN__KERNEL_ID__CONV3X3S1_WINOGRAD_F23, 1},
      {"conv1", EDGEWISE__PLAN__KERNEL_ID__CONV_IM2COL_SGEMM, 1},
      {"conv1", EDGEWISE__PLAN__KERNEL_ID__CONV1X1_SGEMM, 0},
      {"conv1", EDGEWISE__PLAN__KERNEL_ID__CONVDW3X3S1, 0},
      {"dw1", EDGEWISE__PLAN__KERNEL_ID__CONV_DIRECT, -1}, /* not asked for */
      {"dw2", EDGEWISE__PLAN__KERNEL_ID__CONV_DIRECT, 1},
      {"dw2", EDGEWISE__PLAN__KERNEL_ID__CONVDW3X3S2, 1},
      {"dw2", EDGEWISE__PLAN__KERNEL_ID__CONVDW3X3S1, 0},
      {"dw2", EDGEWISE__PLAN__KERNEL_ID__CONV3X3S1_WINOGRAD_F43, 0},
  };
  for (size_t k = 0; k < sizeof(facts) / sizeof(facts[0]); k++)
    TU_CHECK(was_measured(r, facts[k].layer, facts[k].kernel) == facts[k].want, "%s kernel %d: measured %d, want %d",
             facts[k].layer, facts[k].kernel, was_measured(r, facts[k].layer, facts[k].kernel), facts[k].want);
}

static void check_android(const reply *r) {
  const Edgewise__Bridge__DeviceInfo *di = body(r, 0) == EDGEWISE__BRIDGE__ENVELOPE__BODY_DEVICE_INFO ? r->e[0]->device_info : NULL;
  /* in the order of the protocol, not of getprop's output; ro.soc.model is empty: left out */
  static const char *const want[][2] = {{"ro.product.model", "Pixel 8 [test]"}, {"ro.product.manufacturer", "Google"},
                                        {"ro.build.version.release", "14"}, {"ro.build.version.sdk", "34"},
                                        {"ro.product.cpu.abi", "arm64-v8a"}, {"ro.board.platform", "zuma"}};
  size_t n = sizeof(want) / sizeof(want[0]);
  TU_CHECK(di && di->n_android_properties == n, "%zu Android properties, want %zu", di ? di->n_android_properties : 0, n);
  for (size_t i = 0; di && i < n && i < di->n_android_properties; i++)
    TU_CHECK(!strcmp(di->android_properties[i]->key, want[i][0]) && !strcmp(di->android_properties[i]->value, want[i][1]),
             "property %zu: %s = \"%s\", want %s = \"%s\"", i, di->android_properties[i]->key,
             di->android_properties[i]->value, want[i][0], want[i][1]);
}

/* Takes the heartbeats out of r: every Progress but the first "plan loaded", "warmup" and
 * "measuring"; returns how many said "baseline" for run 13 (the heartbeat case's run). */
static size_t drop_heartbeats(reply *r) {
  size_t kept = 0, baseline = 0;
  int seen[3] = {0, 0, 0};
  const char *stages[3] = {"plan loaded", "warmup", "measuring"};
  for (size_t i = 0; i < r->n; i++) {
    Edgewise__Bridge__Envelope *e = r->e[i];
    int keep = e->body_case != EDGEWISE__BRIDGE__ENVELOPE__BODY_PROGRESS;
    for (int k = 0; !keep && k < 3; k++)
      if (!strcmp(e->progress->stage, stages[k]) && !seen[k]) keep = seen[k] = 1;
    if (keep) { r->e[kept++] = e; continue; }
    if (!strcmp(e->progress->stage, "baseline") && e->progress->run_id == 13) baseline++;
    edgewise__bridge__envelope__free_unpacked(e, NULL);
  }
  r->n = kept;
  return baseline;
}

static void check_case(const char *name, reply *r, int rc, const tiny_net *t) {
  const int DI = EDGEWISE__BRIDGE__ENVELOPE__BODY_DEVICE_INFO;
  if (!strcmp(name, "tcp_ok")) name = "ok";
  if (!strcmp(name, "tcp_badtoken") || !strcmp(name, "tcp_notfirst")) {
    /* nothing but the refusal: no DeviceInfo, no Progress for the plan sent before Hello */
    expect_error(r, 0, EDGEWISE__BRIDGE__ERROR_CODE__UNAUTHORIZED, 1);
    TU_CHECK(r->n == 1 && rc == 2, "%zu replies, exit code %d: want the Error alone and exit 2", r->n, rc);
    return;
  }
  if (strcmp(name, "version")) {
    TU_CHECK(body(r, 0) == DI, "first reply is body %d, want DeviceInfo", body(r, 0));
    if (body(r, 0) == DI)
      TU_CHECK(r->e[0]->device_info->protocol_version == EW_PROTOCOL_VERSION && r->e[0]->device_info->cores >= 1 &&
               r->e[0]->device_info->n_clusters >= 1, "DeviceInfo incomplete");
  }
  size_t end = r->n;
  if (!strcmp(name, "heartbeat")) {
    size_t beats = drop_heartbeats(r);
    TU_CHECK(beats >= 4, "%zu heartbeats during a 0.2 s baseline at 20 ms", beats);
    expect_progress(r, 1, "plan loaded");
    expect_progress(r, 2, "warmup");
    expect_progress(r, 3, "measuring");
    end = expect_run(r, 4, 13, 2, t);
    TU_CHECK(rc == 0, "exit code %d", rc);
  } else if (!strcmp(name, "sensors")) {
    check_sensors(r);
    expect_progress(r, 1, "plan loaded");
    expect_progress(r, 2, "warmup");
    expect_progress(r, 3, "measuring");
    end = expect_run(r, 4, 11, 5, t);
    TU_CHECK(rc == 0, "exit code %d", rc);
  } else if (!strcmp(name, "ok") || !strcmp(name, "cancel")) {
    int ok = !strcmp(name, "ok");
    expect_progress(r, 1, "plan loaded");
    expect_progress(r, 2, "warmup");
    expect_progress(r, 3, "measuring");
    end = expect_run(r, 4, ok ? 7 : 9, ok ? 5 : -1, t);
    TU_CHECK(rc == 0, "exit code %d", rc);
  } else if (!strcmp(name, "deferred")) {
    /* every IterationTiming still arrives, in order, between "measuring" and the Result */
    no_profile = 1;
    expect_progress(r, 1, "plan loaded");
    expect_progress(r, 2, "warmup");
    expect_progress(r, 3, "measuring");
    end = expect_run(r, 4, 12, 6, t);
    TU_CHECK(rc == 0, "exit code %d", rc);
  } else if (!strcmp(name, "autotune")) {
    check_autotune(r);
    end = r->n;
    TU_CHECK(rc == 0, "exit code %d", rc);
  } else if (!strcmp(name, "android")) {
    check_android(r);
    end = 1;
    TU_CHECK(rc == 0, "exit code %d", rc);
  } else if (!strcmp(name, "truncated") || !strcmp(name, "oversize")) {
    expect_error(r, 1, !strcmp(name, "truncated") ? EDGEWISE__BRIDGE__ERROR_CODE__MALFORMED
                                                 : EDGEWISE__BRIDGE__ERROR_CODE__TOO_LARGE, 1);
    end = 2;
    TU_CHECK(rc == 2, "exit code %d, want 2", rc);
  } else if (!strcmp(name, "badchunk")) {
    for (size_t i = 1; i <= 3; i++) expect_error(r, i, EDGEWISE__BRIDGE__ERROR_CODE__BAD_CHUNK, 0);
    expect_progress(r, 4, "plan loaded");
    end = 5;
    TU_CHECK(rc == 0, "exit code %d", rc);
  } else if (!strcmp(name, "version")) {
    expect_error(r, 0, EDGEWISE__BRIDGE__ERROR_CODE__VERSION_MISMATCH, 1);
    end = 1;
    TU_CHECK(rc == 2, "exit code %d, want 2", rc);
  } else if (!strcmp(name, "runfirst")) {
    expect_error(r, 1, EDGEWISE__BRIDGE__ERROR_CODE__BAD_SEQUENCE, 0);
    expect_error(r, 2, EDGEWISE__BRIDGE__ERROR_CODE__MALFORMED, 0);
    expect_progress(r, 3, "plan loaded");
    expect_error(r, 4, EDGEWISE__BRIDGE__ERROR_CODE__BAD_ARGUMENT, 0);
    expect_error(r, 5, EDGEWISE__BRIDGE__ERROR_CODE__BAD_ARGUMENT, 0);
    expect_progress(r, 6, "warmup");
    expect_progress(r, 7, "measuring");
    end = expect_run(r, 8, 3, 2, t);
    TU_CHECK(rc == 0, "exit code %d", rc);
  } else {
    TU_CHECK(0, "unknown case %s", name);
  }
  TU_CHECK(r->n == end, "%zu replies, expected %zu", r->n, end);
}

/* relay PORT IN OUT: the host side of a TCP session: connect to 127.0.0.1:PORT, send IN, then
 * read until the agent closes into OUT. Write errors are expected when the agent refuses. */
static int relay(int port, const char *in_path, const char *out_path) {
  signal(SIGPIPE, SIG_IGN);
  int s = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)) != 0) { printf("cannot connect to port %d\n", port); return 1; }
  FILE *in = fopen(in_path, "rb"), *out = fopen(out_path, "wb");
  if (!in || !out) { printf("cannot open %s / %s\n", in_path, out_path); return 1; }
  char buf[4096];
  size_t n;
  int open_w = 1;
  while (open_w && (n = fread(buf, 1, sizeof(buf), in)) > 0)
    for (size_t off = 0; open_w && off < n;) {
      ssize_t w = write(s, buf + off, n - off);
      if (w <= 0) open_w = 0; else off += (size_t)w;
    }
  shutdown(s, SHUT_WR);
  ssize_t r;
  while ((r = read(s, buf, sizeof(buf))) > 0) fwrite(buf, 1, (size_t)r, out);
  fclose(in);
  close(s);
  return fclose(out) != 0;
}

int main(int argc, char **argv) {
  if (argc == 5 && !strcmp(argv[1], "relay")) return relay(atoi(argv[2]), argv[3], argv[4]);
  if (argc < 4) { printf("usage: agent_script write|check CASE FILE [RC] | relay PORT IN OUT\n"); return 2; }
  tiny_net t;
  tiny_net_build(EDGEWISE__PLAN__KERNEL_ID__CONV3X3S1_WINOGRAD_F43, 3, &t);
  int rc = 0;
  if (!strcmp(argv[1], "write")) {
    FILE *f = fopen(argv[3], "wb");
    if (!f) { printf("cannot write %s\n", argv[3]); return 1; }
    if (!strcmp(argv[2], "sensors")) sensor_tree(argv[3]);
    if (!strcmp(argv[2], "android")) android_tree(argv[3]);
    if (!strcmp(argv[2], "heartbeat")) {
      char dir[520];
      snprintf(dir, sizeof(dir), "%s.sysfs", argv[3]);
      mkdir(dir, 0755);
    }
    write_case(argv[2], f, &t);
    rc = fclose(f) != 0;
  } else {
    reply r = read_replies(argv[3]);
    check_case(argv[2], &r, argc > 4 ? atoi(argv[4]) : -1, &t);
    for (size_t i = 0; i < r.n; i++) edgewise__bridge__envelope__free_unpacked(r.e[i], NULL);
    free(r.e);
    char what[64];
    snprintf(what, sizeof(what), "agent_%s", argv[2]);
    rc = tu_finish(what);
  }
  tiny_net_free(&t);
  return rc;
}
