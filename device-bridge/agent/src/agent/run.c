#define _POSIX_C_SOURCE 200809L
/* Run: a session on the loaded model, warm-up (never reported), measured iterations streamed as
 * IterationTiming (+ LayerTimings when profiling), Cancel read between iterations, Result. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "agent.h"
#include "run_sensors.h"

typedef struct run_state {
  const Edgewise__Bridge__Run *req;
  ew_session *s;
  float **inputs;       /* host copies, written into the arena before every iteration */
  size_t n_inputs;
  double *times, *ops;
  size_t n_times, cap_times;
  int cancelled;
  double loop_seconds;  /* wall time of the measured loop */
  run_sensors *sensors; /* NULL unless sensor_rate_hz > 0 */
} run_state;

static double now_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int check_request(agent *a, const Edgewise__Bridge__Run *r) {
  const char *why = NULL;
  if (!a->model) {
    ew_send_error(a, r->run_id, EDGEWISE__BRIDGE__ERROR_CODE__BAD_SEQUENCE, 0,
                  "Run %llu before a plan was loaded (send LoadPlan first)", (unsigned long long)r->run_id);
    return 0;
  }
  if (r->iterations > EW_MAX_ITERATIONS) why = "iterations over 1000000";
  else if (r->iterations == 0 && !(r->duration_seconds > 0 && r->duration_seconds <= EW_MAX_DURATION))
    why = "neither iterations nor a duration in (0, 3600] s";
  else if (r->warmup > EW_MAX_WARMUP) why = "warmup over 100000";
  else if (r->threads > EW_MAX_THREADS) why = "threads over 256";
  else if (r->n_cpus > EW_MAX_CPUS) why = "more than 1024 cpus";
  else if (!(r->sensor_rate_hz >= 0 && r->sensor_rate_hz <= EW_MAX_SENSOR_HZ))
    why = "sensor_rate_hz outside [0, 1000]";
  else if (!(r->idle_baseline_seconds >= 0 && r->idle_baseline_seconds <= EW_MAX_IDLE_BASELINE))
    why = "idle_baseline_seconds outside [0, 60]";
  for (size_t i = 0; !why && i < r->n_cpus; i++)
    if (r->cpus[i] >= EW_MAX_CPUS) why = "a cpu index over 1023";
  if (why) {
    ew_send_error(a, r->run_id, EDGEWISE__BRIDGE__ERROR_CODE__BAD_ARGUMENT, 0, "Run %llu: %s",
                  (unsigned long long)r->run_id, why);
    return 0;
  }
  size_t n_in = ew_model_num_inputs(a->model);
  for (size_t i = 0; i < r->n_inputs; i++) {
    const Edgewise__Bridge__Tensor *t = r->inputs[i];
    ew_tensor_info info;
    if (t->index >= n_in || ew_model_input_info(a->model, t->index, &info) != EW_OK) {
      ew_send_error(a, r->run_id, EDGEWISE__BRIDGE__ERROR_CODE__BAD_ARGUMENT, 0,
                    "Run %llu: input index %u, the plan has %zu inputs", (unsigned long long)r->run_id,
                    t->index, n_in);
      return 0;
    }
    int dims_ok = t->n_dims == 0 || t->n_dims == (size_t)info.rank;
    for (size_t d = 0; dims_ok && d < t->n_dims; d++) dims_ok = t->dims[d] == info.dims[d];
    if (!dims_ok) {
      ew_send_error(a, r->run_id, EDGEWISE__BRIDGE__ERROR_CODE__BAD_ARGUMENT, 0,
                    "Run %llu: input %u (%s) dims differ from the plan's (rank %d)",
                    (unsigned long long)r->run_id, t->index, info.name, info.rank);
      return 0;
    }
    if (t->data.len != info.bytes) {
      ew_send_error(a, r->run_id, EDGEWISE__BRIDGE__ERROR_CODE__BAD_ARGUMENT, 0,
                    "Run %llu: input %u (%s) has %zu bytes, the plan wants %zu",
                    (unsigned long long)r->run_id, t->index, info.name, t->data.len, info.bytes);
      return 0;
    }
  }
  return 1;
}

static int prepare(agent *a, run_state *st) {
  const Edgewise__Bridge__Run *r = st->req;
  int *cpus = r->n_cpus ? calloc(r->n_cpus, sizeof(int)) : NULL;
  for (size_t i = 0; cpus && i < r->n_cpus; i++) cpus[i] = (int)r->cpus[i];
  ew_session_options opt = {.threads = r->threads ? (int)r->threads : 1, .cpus = cpus, .ncpus = (int)r->n_cpus};
  ew_error err = {0};
  int rc = ew_session_create(a->model, &opt, &st->s, &err);
  free(cpus);
  if (rc != EW_OK) {
    ew_send_error(a, r->run_id, EDGEWISE__BRIDGE__ERROR_CODE__RUN_FAILED, 0, "Run %llu: session: %s",
                  (unsigned long long)r->run_id, err.message);
    return 0;
  }
  st->n_inputs = ew_model_num_inputs(a->model);
  st->inputs = calloc(st->n_inputs ? st->n_inputs : 1, sizeof(float *));
  st->ops = calloc(ew_model_num_ops(a->model) + 1, sizeof(double));
  st->cap_times = r->iterations ? r->iterations : 1024;
  st->times = malloc(st->cap_times * sizeof(double));
  int ok = st->inputs && st->ops && st->times;
  for (size_t i = 0; ok && i < st->n_inputs; i++) {
    ew_tensor_info info;
    ew_model_input_info(a->model, i, &info);
    st->inputs[i] = calloc(info.bytes / sizeof(float) + 1, sizeof(float));
    ok = st->inputs[i] != NULL;
  }
  for (size_t i = 0; ok && i < r->n_inputs; i++)
    memcpy(st->inputs[r->inputs[i]->index], r->inputs[i]->data.data, r->inputs[i]->data.len);
  if (!ok)
    ew_send_error(a, r->run_id, EDGEWISE__BRIDGE__ERROR_CODE__RUN_FAILED, 0,
                  "Run %llu: out of memory for inputs and timings", (unsigned long long)r->run_id);
  return ok;
}

/* Messages arriving during a run or an autotune: Cancel (this run or 0) stops it after the current
 * iteration; Bye lets it finish and ends the session after the Result (a host may pipeline Run,
 * Bye); anything else is answered "busy". End of input or a fatal framing error also stops it. */
int ew_agent_poll_cancel(agent *a, uint64_t id) {
  int cancel = 0;
  while (!cancel && !a->quit && ew_wire_pending(&a->in)) {
    Edgewise__Bridge__Envelope *e;
    if (!ew_agent_next(a, &e)) return 1;
    if (!e) continue;
    if (e->body_case == EDGEWISE__BRIDGE__ENVELOPE__BODY_CANCEL && (e->cancel->run_id == id || e->cancel->run_id == 0)) {
      cancel = 1;
    } else if (e->body_case == EDGEWISE__BRIDGE__ENVELOPE__BODY_BYE) {
      a->quit = 1;
    } else {
      ew_send_error(a, id, EDGEWISE__BRIDGE__ERROR_CODE__BAD_SEQUENCE, 0,
                    "busy with run %llu: only Cancel or Bye are read during a run", (unsigned long long)id);
    }
    edgewise__bridge__envelope__free_unpacked(e, NULL);
  }
  return cancel;
}

static void poll_host(agent *a, run_state *st) {
  if (!st->cancelled && ew_agent_poll_cancel(a, st->req->run_id)) st->cancelled = 1;
}

static void load_inputs(run_state *st, const ew_model *m) {
  for (size_t i = 0; i < st->n_inputs; i++) {
    ew_tensor_info info;
    ew_model_input_info(m, i, &info);
    memcpy(ew_session_input(st->s, i), st->inputs[i], info.bytes);
  }
}

static void send_layers(agent *a, run_state *st, uint32_t iteration) {
  size_t n = ew_model_num_ops(a->model);
  char **names = iteration == 0 ? calloc(n + 1, sizeof(char *)) : NULL;
  for (size_t i = 0; names && i < n; i++) names[i] = (char *)ew_model_op_name(a->model, i);
  Edgewise__Bridge__LayerTimings lt = EDGEWISE__BRIDGE__LAYER_TIMINGS__INIT;
  lt.run_id = st->req->run_id;
  lt.iteration = iteration;
  lt.n_layers = names ? n : 0;
  lt.layers = names;
  lt.n_seconds = n;
  lt.seconds = st->ops;
  Edgewise__Bridge__Envelope env = EDGEWISE__BRIDGE__ENVELOPE__INIT;
  env.body_case = EDGEWISE__BRIDGE__ENVELOPE__BODY_LAYER_TIMINGS;
  env.layer_timings = &lt;
  ew_send_batched(a, &env);
  free(names);
}

static void send_timing(agent *a, uint64_t run_id, uint32_t iteration, double seconds) {
  Edgewise__Bridge__IterationTiming t = EDGEWISE__BRIDGE__ITERATION_TIMING__INIT;
  t.run_id = run_id;
  t.iteration = iteration;
  t.seconds = seconds;
  Edgewise__Bridge__Envelope env = EDGEWISE__BRIDGE__ENVELOPE__INIT;
  env.body_case = EDGEWISE__BRIDGE__ENVELOPE__BODY_ITERATION_TIMING;
  env.iteration_timing = &t;
  ew_send_batched(a, &env);
}

/* one iteration; returns 0 after sending an Error */
static int iterate(agent *a, run_state *st, int measured) {
  const Edgewise__Bridge__Run *r = st->req;
  ew_error err = {0};
  load_inputs(st, a->model);
  double t0 = now_seconds();
  int rc = ew_session_run(st->s, r->profile_layers && measured ? st->ops : NULL, &err);
  double dt = now_seconds() - t0;
  if (rc != EW_OK) {
    ew_send_error(a, r->run_id, EDGEWISE__BRIDGE__ERROR_CODE__RUN_FAILED, 0, "Run %llu: %s",
                  (unsigned long long)r->run_id, err.message);
    return 0;
  }
  if (!measured) return 1;
  if (st->n_times == st->cap_times) {
    double *g = realloc(st->times, 2 * st->cap_times * sizeof(double));
    if (!g) return 1; /* keep running; the Result counts what was stored */
    st->times = g;
    st->cap_times *= 2;
  }
  uint32_t it = (uint32_t)st->n_times;
  st->times[st->n_times++] = dt;
  if (!r->defer_timings) send_timing(a, r->run_id, it, dt);
  if (r->profile_layers) send_layers(a, st, it);
  return 1;
}

/* defer_timings: what the loop did not stream, after it */
static void send_deferred_timings(agent *a, run_state *st) {
  for (size_t i = 0; st->req->defer_timings && i < st->n_times; i++)
    send_timing(a, st->req->run_id, (uint32_t)i, st->times[i]);
}

static void send_result(agent *a, run_state *st) {
  const Edgewise__Bridge__Run *r = st->req;
  ew_stats sv;
  double *sorted = malloc((st->n_times ? st->n_times : 1) * sizeof(double));
  if (sorted) memcpy(sorted, st->times, st->n_times * sizeof(double));
  ew_stats_compute(sorted, sorted ? st->n_times : 0, &sv);
  free(sorted);
  Edgewise__Bridge__Statistics stats = EDGEWISE__BRIDGE__STATISTICS__INIT;
  stats.count = sv.count;
  stats.min = sv.min; stats.mean = sv.mean; stats.p50 = sv.p50; stats.p90 = sv.p90;
  stats.p99 = sv.p99; stats.std = sv.std; stats.max = sv.max;
  Edgewise__Bridge__Result res = EDGEWISE__BRIDGE__RESULT__INIT;
  res.run_id = r->run_id;
  res.stats = &stats;
  res.cancelled = st->cancelled;
  res.threads = r->threads ? r->threads : 1;
  res.loop_seconds = st->loop_seconds;
  Edgewise__Bridge__Energy energy;
  if (st->sensors) {
    ew_run_sensors_end(a, st->sensors, r->run_id, sv.count ? sv.mean : 0);
    ew_run_sensors_fill(st->sensors, &energy);
    res.energy = &energy;
  }
  size_t n_out = r->return_outputs && st->n_times ? ew_model_num_outputs(a->model) : 0;
  Edgewise__Bridge__Tensor *outs = calloc(n_out + 1, sizeof(*outs));
  Edgewise__Bridge__Tensor **ptrs = calloc(n_out + 1, sizeof(*ptrs));
  if (outs && ptrs) {
    for (size_t i = 0; i < n_out; i++) {
      ew_tensor_info info;
      ew_model_output_info(a->model, i, &info);
      edgewise__bridge__tensor__init(&outs[i]);
      outs[i].index = (uint32_t)i;
      outs[i].name = (char *)(info.name ? info.name : "");
      outs[i].n_dims = (size_t)info.rank;
      outs[i].dims = info.rank ? malloc((size_t)info.rank * sizeof(uint32_t)) : NULL;
      if (outs[i].dims) memcpy(outs[i].dims, info.dims, (size_t)info.rank * sizeof(uint32_t));
      else outs[i].n_dims = 0;
      outs[i].data.len = info.bytes;
      outs[i].data.data = (uint8_t *)ew_session_output(st->s, i);
      ptrs[i] = &outs[i];
    }
    res.n_outputs = n_out;
    res.outputs = ptrs;
  }
  Edgewise__Bridge__Envelope env = EDGEWISE__BRIDGE__ENVELOPE__INIT;
  env.body_case = EDGEWISE__BRIDGE__ENVELOPE__BODY_RESULT;
  env.result = &res;
  ew_send(a, &env);
  for (size_t i = 0; outs && i < n_out; i++) free(outs[i].dims);
  free(outs);
  free(ptrs);
}

static void free_state(run_state *st) {
  for (size_t i = 0; st->inputs && i < st->n_inputs; i++) free(st->inputs[i]);
  free(st->inputs);
  free(st->ops);
  free(st->times);
  ew_session_free(st->s);
  ew_run_sensors_free(st->sensors);
}

void ew_agent_run(agent *a, const Edgewise__Bridge__Run *r) {
  if (!check_request(a, r)) return;
  run_state st = {.req = r};
  if (!prepare(a, &st)) { free_state(&st); return; }
  int ok = 1;
  ew_heartbeat_stage(a, r->run_id, "baseline", 0, 0);
  if (r->sensor_rate_hz > 0 && !(st.sensors = ew_run_sensors_begin(a, r))) {
    ew_send_error(a, r->run_id, EDGEWISE__BRIDGE__ERROR_CODE__RUN_FAILED, 0,
                  "Run %llu: out of memory for the sensor sampler", (unsigned long long)r->run_id);
    free_state(&st);
    return;
  }
  ew_send_progress(a, r->run_id, "warmup", 0, r->warmup);
  for (uint32_t i = 0; ok && i < r->warmup && !st.cancelled; i++) {
    ew_heartbeat_stage(a, r->run_id, "warmup", i, r->warmup);
    ok = iterate(a, &st, 0);
    poll_host(a, &st);
  }
  ew_send_progress(a, r->run_id, "measuring", 0, r->iterations);
  if (st.sensors) ew_run_sensors_window(st.sensors);
  double start = now_seconds(), end = start + r->duration_seconds, last_flush = start;
  while (ok && !st.cancelled) {
    if (r->iterations ? st.n_times >= r->iterations
                      : (st.n_times > 0 && now_seconds() >= end) || st.n_times >= EW_MAX_ITERATIONS)
      break;
    ew_heartbeat_stage(a, r->run_id, "measuring", (uint32_t)st.n_times, r->iterations);
    ok = iterate(a, &st, 1);
    /* timings leave in batches: one write per EW_STREAM_FLUSH_SECONDS, not one per iteration */
    if (a->pending.len && now_seconds() - last_flush >= EW_STREAM_FLUSH_SECONDS) {
      ew_flush(a);
      last_flush = now_seconds();
    }
    if (st.sensors) ew_run_sensors_flush(a, st.sensors, r->run_id);
    poll_host(a, &st);
  }
  st.loop_seconds = now_seconds() - start;
  if (ok) {
    send_deferred_timings(a, &st);
    send_result(a, &st);
  }
  free_state(&st);
}
