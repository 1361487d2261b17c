/* Sessions: one arena, one workspace (the largest any op asks for) and one thread pool, all
 * allocated up front so a run never allocates. The executor walks ops in plan order. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "internal.h"

struct ew_session {
  const ew_model *m;
  ew_exec ex;
  void *arena_mem, *ws_mem;
};

static void *alloc64(size_t bytes) {
  void *p = NULL;
  /* 64: a cache line, so no two threads' scratch share one */
  if (posix_memalign(&p, 64, bytes ? bytes : 64)) return NULL;
  return p;
}

/* FMLA .8h only where the CPU reports it (the instructions are SIGILL elsewhere, e.g. on a
 * Cortex-A53); "always" without hardware support falls back to the scalar emulation. */
static const ew_hgemm_ops *choose_hgemm(int mode, int scalar) {
  if (mode < 0) return NULL;
  int hw = (ew_cpu_features() & EW_CPU_FP16) && ew_hgemm_ops_neon();
  if (mode == 0 && !hw) return NULL;
  return hw && !scalar ? ew_hgemm_ops_neon() : &ew_hgemm_ops_scalar;
}

int ew_op_uses_f16(const ew_op *op, const ew_exec *ex) { return op->f16_ready && ex->hgemm; }

int ew_session_op_f16(const ew_session *s, size_t i) {
  return s && i < s->m->n_ops ? ew_op_uses_f16(&s->m->ops[i], &s->ex) : 0;
}

int ew_session_create(const ew_model *m, const ew_session_options *opt, ew_session **out,
                      ew_error *err) {
  if (!m || !out) return ew_fail(err, EW_ERR_ARG, "NULL argument");
  *out = NULL;
  int threads = opt && opt->threads > 0 ? opt->threads : 1;
  if (threads > 256) return ew_fail(err, EW_ERR_ARG, "threads %d > 256", threads);
  ew_session *s = calloc(1, sizeof(*s));
  if (!s) return ew_fail(err, EW_ERR_NOMEM, "out of memory");
  s->m = m;
  s->ex.m = m;
  int scalar = opt && opt->scalar;
  s->ex.gemm = scalar ? &ew_gemm_ops_scalar : &ew_gemm_ops_neon;
  s->ex.binary = scalar ? &ew_binary_f32_scalar : &ew_binary_f32_neon;
  s->ex.qgemm = scalar ? &ew_qgemm_ops_scalar : ew_qgemm_ops_for_cpu();
  s->ex.sparse = scalar ? &ew_sparse_ops_scalar : &ew_sparse_ops_neon;
  s->ex.hgemm = choose_hgemm(opt ? opt->f16_arithmetic : 0, scalar);
  s->ex.pool = ew_pool_create(threads, opt ? opt->cpus : NULL, opt ? opt->ncpus : 0);
  size_t ws = 0;
  for (size_t i = 0; i < m->n_ops; i++) {
    size_t w = m->ops[i].ad->workspace(&m->ops[i], threads);
    ws = w > ws ? w : ws;
  }
  s->arena_mem = alloc64((size_t)m->arena_size);
  s->ws_mem = ws <= (SIZE_MAX >> 3) ? alloc64(ws * sizeof(float)) : NULL;
  if (!s->ex.pool || !s->arena_mem || !s->ws_mem) {
    ew_session_free(s);
    return ew_fail(err, EW_ERR_NOMEM, "cannot allocate arena (%llu bytes), workspace (%zu "
                   "floats) or %d threads", (unsigned long long)m->arena_size, ws, threads);
  }
  /* zeroed so that a plan reading never-written bytes is deterministic, not a leak */
  memset(s->arena_mem, 0, (size_t)m->arena_size);
  s->ex.arena = s->arena_mem;
  s->ex.ws = s->ws_mem;
  *out = s;
  return EW_OK;
}

void ew_session_free(ew_session *s) {
  if (!s) return;
  ew_pool_destroy(s->ex.pool);
  free(s->arena_mem);
  free(s->ws_mem);
  free(s);
}

float *ew_session_input(ew_session *s, size_t i) {
  if (!s || i >= s->m->pb->n_inputs) return NULL;
  return ew_tensor_ptr(&s->ex, s->m->pb->inputs[i]);
}

const float *ew_session_output(const ew_session *s, size_t i) {
  if (!s || i >= s->m->pb->n_outputs) return NULL;
  return ew_tensor_ptr(&s->ex, s->m->pb->outputs[i]);
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int ew_session_run(ew_session *s, double *op_seconds, ew_error *err) {
  if (!s) return ew_fail(err, EW_ERR_ARG, "NULL session");
  for (size_t i = 0; i < s->m->n_ops; i++) {
    const ew_op *op = &s->m->ops[i];
    double t0 = op_seconds ? now() : 0.0;
    op->ad->run(op, &s->ex);
    if (op_seconds) op_seconds[i] = now() - t0;
  }
  return EW_OK;
}
