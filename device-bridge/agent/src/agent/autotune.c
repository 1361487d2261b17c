#define _POSIX_C_SOURCE 200809L
/* Autotune: for each chosen conv op of the loaded plan and each conv kernel of the runtime, a
 * one-op plan (that op alone, its input as the plan input, its output as the plan output, its
 * weights and bias, the kernel replaced) is loaded: the runtime's own load checks decide whether
 * the kernel can take the layer, exactly as for a compiled plan. Accepted ones are timed in
 * isolation (warm-up, then CLOCK_MONOTONIC per run, median reported). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "agent.h"
#include "plan.pb-c.h"

static const int CONV_KERNELS[] = {
#define EW_CONV(ID, NAME) EDGEWISE__PLAN__KERNEL_ID__##ID,
#include "../kernels/kernels.inc"
};
#define N_CONV (sizeof(CONV_KERNELS) / sizeof(CONV_KERNELS[0]))

typedef struct tune {
  agent *a;
  const Edgewise__Bridge__Autotune *req;
  const Edgewise__Plan__Plan *plan;
  uint32_t warmup, iterations, measured, skipped;
  int cancelled;
} tune;

static int is_conv(int kernel) {
  for (size_t i = 0; i < N_CONV; i++)
    if (CONV_KERNELS[i] == kernel) return 1;
  return 0;
}

static const char *kernel_name(int kernel) {
  const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(&edgewise__plan__kernel_id__descriptor, kernel);
  return v ? v->name : "?";
}

static double now_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* The one-op plan of op with `kernel`, packed into *out (malloc'd). The parent plan was accepted
 * by the runtime, so its tensor and blob references are in range. */
static int one_op_plan(const Edgewise__Plan__Plan *p, const Edgewise__Plan__Op *op, int kernel, uint8_t **out,
                       size_t *len) {
  Edgewise__Plan__Tensor x = *p->tensors[op->inputs[0]], y = *p->tensors[op->outputs[0]];
  x.id = 0;
  x.storage = EDGEWISE__PLAN__STORAGE__STORAGE_ARENA;
  x.arena_offset = 0;
  y.id = 1;
  y.arena_offset = (x.byte_size + 15) / 16 * 16;
  Edgewise__Plan__Tensor *tensors[] = {&x, &y};
  Edgewise__Plan__Blob *blobs[2];
  size_t n_blobs = 0;
  Edgewise__Plan__BlobRef wref = EDGEWISE__PLAN__BLOB_REF__INIT, bref = EDGEWISE__PLAN__BLOB_REF__INIT;
  Edgewise__Plan__Op o = *op;
  uint32_t in0 = 0, out0 = 1;
  o.kernel = (Edgewise__Plan__KernelId)kernel;
  o.inputs = &in0;
  o.outputs = &out0;
  if (op->weight) { wref.index = (uint32_t)n_blobs; blobs[n_blobs++] = p->blobs[op->weight->index]; o.weight = &wref; }
  if (op->bias) { bref.index = (uint32_t)n_blobs; blobs[n_blobs++] = p->blobs[op->bias->index]; o.bias = &bref; }
  Edgewise__Plan__Op *ops[] = {&o};
  Edgewise__Plan__Plan q = *p;
  q.arena_size = y.arena_offset + y.byte_size;
  q.arena_lower_bound = x.byte_size + y.byte_size;
  q.n_tensors = 2;
  q.tensors = tensors;
  q.n_ops = 1;
  q.ops = ops;
  q.n_blobs = n_blobs;
  q.blobs = blobs;
  q.n_inputs = q.n_outputs = 1;
  q.inputs = &in0;
  q.outputs = &out0;
  *len = edgewise__plan__plan__get_packed_size(&q);
  *out = malloc(*len ? *len : 1);
  if (!*out) return 0;
  edgewise__plan__plan__pack(&q, *out);
  return 1;
}

static int cmp_double(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return (a > b) - (a < b);
}

/* Times the loaded one-op model; 0 with *why set when the session cannot be made or run. */
static int measure(tune *t, const ew_model *m, double *median, double *min, char *why, size_t why_n) {
  const Edgewise__Bridge__Autotune *r = t->req;
  int *cpus = r->n_cpus ? calloc(r->n_cpus, sizeof(int)) : NULL;
  for (size_t i = 0; cpus && i < r->n_cpus; i++) cpus[i] = (int)r->cpus[i];
  ew_session_options opt = {.threads = r->threads ? (int)r->threads : 1, .cpus = cpus, .ncpus = cpus ? (int)r->n_cpus : 0};
  ew_session *s = NULL;
  ew_error err = {0};
  int rc = ew_session_create(m, &opt, &s, &err);
  free(cpus);
  double *times = malloc(t->iterations * sizeof(double));
  if (rc == EW_OK && times) {
    ew_tensor_info in;
    ew_model_input_info(m, 0, &in);
    float *x = ew_session_input(s, 0);
    uint32_t seed = 12345; /* deterministic values in [-1, 1): no denormals, no all-zero input */
    for (size_t i = 0; i < in.bytes / sizeof(float); i++) {
      seed = seed * 1664525u + 1013904223u;
      x[i] = (float)(seed >> 8) / (float)(1u << 23) - 1.0f;
    }
    for (uint32_t i = 0; rc == EW_OK && i < t->warmup; i++) rc = ew_session_run(s, NULL, &err);
    for (uint32_t i = 0; rc == EW_OK && i < t->iterations; i++) {
      double t0 = now_seconds();
      rc = ew_session_run(s, NULL, &err);
      times[i] = now_seconds() - t0;
    }
  }
  int ok = rc == EW_OK && times;
  if (ok) {
    qsort(times, t->iterations, sizeof(double), cmp_double);
    size_t n = t->iterations;
    *median = n % 2 ? times[n / 2] : 0.5 * (times[n / 2 - 1] + times[n / 2]);
    *min = times[0];
  } else {
    snprintf(why, why_n, "%s", times ? err.message : "out of memory for timings");
  }
  free(times);
  ew_session_free(s);
  return ok;
}

static void send_result(tune *t, size_t op_index, int kernel, const char *skipped, double median, double min) {
  const Edgewise__Plan__Op *op = t->plan->ops[op_index];
  Edgewise__Bridge__AutotuneResult res = EDGEWISE__BRIDGE__AUTOTUNE_RESULT__INIT;
  res.run_id = t->req->run_id;
  res.layer = op->name;
  res.kernel = (char *)kernel_name(kernel);
  res.kernel_id = (uint32_t)kernel;
  res.op_index = (uint32_t)op_index;
  res.current = (int)op->kernel == kernel;
  if (skipped) {
    res.skipped = (char *)skipped;
    t->skipped++;
  } else {
    res.seconds = median;
    res.min_seconds = min;
    res.runs = t->iterations;
    t->measured++;
  }
  Edgewise__Bridge__Envelope env = EDGEWISE__BRIDGE__ENVELOPE__INIT;
  env.body_case = EDGEWISE__BRIDGE__ENVELOPE__BODY_AUTOTUNE_RESULT;
  env.autotune_result = &res;
  ew_send(t->a, &env);
}

static void tune_layer(tune *t, size_t op_index) {
  const Edgewise__Plan__Op *op = t->plan->ops[op_index];
  for (size_t k = 0; k < N_CONV && !t->cancelled; k++) {
    uint8_t *bytes = NULL;
    size_t len = 0;
    ew_model *m = NULL;
    ew_error err = {0};
    if (!one_op_plan(t->plan, op, CONV_KERNELS[k], &bytes, &len)) {
      snprintf(err.message, sizeof(err.message), "out of memory for the one-op plan");
    } else if (ew_model_load(bytes, len, &m, &err) == EW_OK) {
      double median = 0, min = 0;
      char why[sizeof(err.message)];
      if (measure(t, m, &median, &min, why, sizeof(why))) send_result(t, op_index, CONV_KERNELS[k], NULL, median, min);
      else send_result(t, op_index, CONV_KERNELS[k], why, 0, 0);
    }
    if (!m) { /* the loader names op 0 of the one-op plan: keep only its reason */
      const char *why = strstr(err.message, "): ");
      send_result(t, op_index, CONV_KERNELS[k], why ? why + 3 : err.message, 0, 0);
    }
    ew_model_free(m);
    free(bytes);
    if (ew_agent_poll_cancel(t->a, t->req->run_id)) t->cancelled = 1;
  }
}

/* Marks the chosen ops in pick[]; 0 after an Error naming the first bad layer. */
static int choose_layers(tune *t, unsigned char *pick, uint32_t *count) {
  const Edgewise__Plan__Plan *p = t->plan;
  *count = 0;
  for (size_t i = 0; i < p->n_ops; i++) {
    int want = is_conv(p->ops[i]->kernel) && p->ops[i]->n_inputs == 1 && p->ops[i]->n_outputs == 1;
    if (want && t->req->n_layers) {
      want = 0;
      for (size_t j = 0; j < t->req->n_layers && !want; j++) want = !strcmp(t->req->layers[j], p->ops[i]->name);
    }
    pick[i] = (unsigned char)want;
    *count += (uint32_t)want;
  }
  for (size_t j = 0; j < t->req->n_layers; j++) {
    int found = 0;
    for (size_t i = 0; i < p->n_ops && !found; i++) found = pick[i] && !strcmp(t->req->layers[j], p->ops[i]->name);
    if (!found) {
      ew_send_error(t->a, t->req->run_id, EDGEWISE__BRIDGE__ERROR_CODE__BAD_ARGUMENT, 0,
                    "Autotune %llu: layer \"%.200s\" is not a conv op of the loaded plan",
                    (unsigned long long)t->req->run_id, t->req->layers[j]);
      return 0;
    }
  }
  return 1;
}

static int check_request(agent *a, const Edgewise__Bridge__Autotune *r) {
  const char *why = NULL;
  if (!a->model || !a->plan) {
    ew_send_error(a, r->run_id, EDGEWISE__BRIDGE__ERROR_CODE__BAD_SEQUENCE, 0,
                  "Autotune %llu before a plan was loaded (send LoadPlan first)", (unsigned long long)r->run_id);
    return 0;
  }
  if (r->iterations > EW_MAX_TUNE_ITERATIONS) why = "iterations over 10000";
  else if (r->warmup > EW_MAX_WARMUP) why = "warmup over 100000";
  else if (r->threads > EW_MAX_THREADS) why = "threads over 256";
  else if (r->n_cpus > EW_MAX_CPUS) why = "more than 1024 cpus";
  for (size_t i = 0; !why && i < r->n_cpus; i++)
    if (r->cpus[i] >= EW_MAX_CPUS) why = "a cpu index over 1023";
  if (why)
    ew_send_error(a, r->run_id, EDGEWISE__BRIDGE__ERROR_CODE__BAD_ARGUMENT, 0, "Autotune %llu: %s",
                  (unsigned long long)r->run_id, why);
  return why == NULL;
}

void ew_agent_autotune(agent *a, const Edgewise__Bridge__Autotune *r) {
  if (!check_request(a, r)) return;
  Edgewise__Plan__Plan *plan = edgewise__plan__plan__unpack(NULL, a->plan_len, a->plan);
  unsigned char *pick = plan ? calloc(plan->n_ops + 1, 1) : NULL;
  if (!pick) {
    ew_send_error(a, r->run_id, EDGEWISE__BRIDGE__ERROR_CODE__INTERNAL, 0,
                  "Autotune %llu: cannot decode the loaded plan again (out of memory)", (unsigned long long)r->run_id);
    if (plan) edgewise__plan__plan__free_unpacked(plan, NULL);
    return;
  }
  tune t = {.a = a, .req = r, .plan = plan, .warmup = r->warmup ? r->warmup : 2,
            .iterations = r->iterations ? r->iterations : 10};
  uint32_t layers = 0;
  if (choose_layers(&t, pick, &layers)) {
    uint32_t done = 0;
    for (size_t i = 0; i < plan->n_ops && !t.cancelled; i++) {
      if (!pick[i]) continue;
      ew_send_progress(a, r->run_id, "autotune", done++, layers);
      tune_layer(&t, i);
    }
    Edgewise__Bridge__AutotuneDone d = EDGEWISE__BRIDGE__AUTOTUNE_DONE__INIT;
    d.run_id = r->run_id;
    d.layers = layers;
    d.measured = t.measured;
    d.skipped = t.skipped;
    d.cancelled = t.cancelled;
    Edgewise__Bridge__Envelope env = EDGEWISE__BRIDGE__ENVELOPE__INIT;
    env.body_case = EDGEWISE__BRIDGE__ENVELOPE__BODY_AUTOTUNE_DONE;
    env.autotune_done = &d;
    ew_send(a, &env);
  }
  free(pick);
  edgewise__plan__plan__free_unpacked(plan, NULL);
}
