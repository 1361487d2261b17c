/* edgewise-run: load a plan, feed raw little-endian f32 inputs, run, write raw outputs.
 * The smallest useful face of the runtime; the bridge agent reuses the same library. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "edgewise/rt.h"

#define MAX_IO 32

typedef struct args {
  const char *plan;
  const char *inputs[MAX_IO], *outputs[MAX_IO];
  int n_in, n_out, threads, iterations, scalar, info, profile, ncpus, f16;
  int cpus[256];
} args;

static void usage(void) {
  fprintf(stderr,
          "usage: edgewise-run --plan FILE [--input FILE]... [--output FILE]...\n"
          "                    [--threads N] [--cpus 0,1,..|big] [--iterations N] [--scalar]\n"
          "                    [--profile] [--info] [--f16-arith auto|off|on]\n"
          "Inputs/outputs are raw little-endian float32 in the plan's graph order.\n");
}

static int parse(int argc, char **argv, args *a) {
  memset(a, 0, sizeof(*a));
  a->threads = 1;
  a->iterations = 1;
  for (int i = 1; i < argc; i++) {
    const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(k, "--scalar")) { a->scalar = 1; continue; }
    if (!strcmp(k, "--info")) { a->info = 1; continue; }
    if (!strcmp(k, "--profile")) { a->profile = 1; continue; }
    if (!v) return -1;
    i++;
    if (!strcmp(k, "--plan")) a->plan = v;
    else if (!strcmp(k, "--input") && a->n_in < MAX_IO) a->inputs[a->n_in++] = v;
    else if (!strcmp(k, "--output") && a->n_out < MAX_IO) a->outputs[a->n_out++] = v;
    else if (!strcmp(k, "--threads")) a->threads = atoi(v);
    else if (!strcmp(k, "--iterations")) a->iterations = atoi(v);
    else if (!strcmp(k, "--f16-arith") && !strcmp(v, "auto")) a->f16 = 0;
    else if (!strcmp(k, "--f16-arith") && !strcmp(v, "off")) a->f16 = -1;
    else if (!strcmp(k, "--f16-arith") && !strcmp(v, "on")) a->f16 = 1;
    else if (!strcmp(k, "--cpus") && !strcmp(v, "big")) {
      a->ncpus = ew_cpu_big_cores(a->cpus, 256);
    } else if (!strcmp(k, "--cpus")) {
      char *copy = strdup(v), *save = NULL;
      for (char *t = strtok_r(copy, ",", &save); t && a->ncpus < 256; t = strtok_r(NULL, ",", &save))
        a->cpus[a->ncpus++] = atoi(t);
      free(copy);
    } else return -1;
  }
  if (!a->plan || a->threads < 1 || a->iterations < 1) return -1;
  return 0;
}

static int read_input(const char *path, float *dst, size_t bytes) {
  FILE *f = fopen(path, "rb");
  if (!f) { fprintf(stderr, "edgewise-run: cannot open input '%s'\n", path); return EW_ERR_IO; }
  size_t got = fread(dst, 1, bytes, f);
  int extra = fgetc(f) != EOF;
  fclose(f);
  if (got != bytes || extra) {
    fprintf(stderr, "edgewise-run: input '%s' must be exactly %zu bytes\n", path, bytes);
    return EW_ERR_IO;
  }
  return EW_OK;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int run(const args *a, ew_model *m, ew_session *s) {
  ew_error err;
  size_t nops = ew_model_num_ops(m);
  double *prof = a->profile ? calloc(nops ? nops : 1, sizeof(double)) : NULL;
  for (int it = 0; it < a->iterations; it++) {
    for (int i = 0; i < a->n_in; i++) {
      ew_tensor_info ti;
      ew_model_input_info(m, (size_t)i, &ti);
      if (read_input(a->inputs[i], ew_session_input(s, (size_t)i), ti.bytes)) { free(prof); return EW_ERR_IO; }
    }
    double t0 = now();
    int rc = ew_session_run(s, prof, &err);
    if (rc) { fprintf(stderr, "edgewise-run: %s: %s\n", ew_status_name(rc), err.message); free(prof); return rc; }
    fprintf(stderr, "iteration %d: %.3f ms\n", it, 1e3 * (now() - t0));
  }
  for (size_t i = 0; prof && i < nops; i++)
    fprintf(stderr, "  op %3zu %-28s %-24s %9.3f ms\n", i, ew_model_op_name(m, i),
            ew_model_op_kernel(m, i), 1e3 * prof[i]);
  free(prof);
  return EW_OK;
}

static int write_outputs(const args *a, const ew_model *m, const ew_session *s) {
  for (int i = 0; i < a->n_out; i++) {
    ew_tensor_info ti;
    ew_model_output_info(m, (size_t)i, &ti);
    FILE *f = fopen(a->outputs[i], "wb");
    if (!f || fwrite(ew_session_output(s, (size_t)i), 1, ti.bytes, f) != ti.bytes) {
      fprintf(stderr, "edgewise-run: cannot write '%s'\n", a->outputs[i]);
      if (f) fclose(f);
      return EW_ERR_IO;
    }
    if (fclose(f)) return EW_ERR_IO;
  }
  return EW_OK;
}

static void print_info(const ew_model *m) {
  printf("runtime %s on %s\ncompiler %s, arena %llu bytes, %zu ops\n", EW_RT_VERSION,
         ew_cpu_description(), ew_model_compiler_version(m),
         (unsigned long long)ew_model_arena_size(m), ew_model_num_ops(m));
  for (size_t i = 0; i < ew_model_num_inputs(m) + ew_model_num_outputs(m); i++) {
    ew_tensor_info ti;
    int in = i < ew_model_num_inputs(m);
    if (in) ew_model_input_info(m, i, &ti);
    else ew_model_output_info(m, i - ew_model_num_inputs(m), &ti);
    printf("%s '%s' [", in ? "input" : "output", ti.name);
    for (int d = 0; d < ti.rank; d++) printf(d ? ",%u" : "%u", ti.dims[d]);
    printf("] %zu bytes\n", ti.bytes);
  }
}

int main(int argc, char **argv) {
  args a;
  if (parse(argc, argv, &a)) { usage(); return 2; }
  ew_error err;
  ew_model *m = NULL;
  int rc = ew_model_load_file(a.plan, &m, &err);
  if (rc) { fprintf(stderr, "edgewise-run: %s: %s\n", ew_status_name(rc), err.message); return 1; }
  if (a.info) print_info(m);
  if ((size_t)a.n_in != ew_model_num_inputs(m) && !(a.info && a.n_in == 0)) {
    fprintf(stderr, "edgewise-run: the plan has %zu inputs, %d given\n", ew_model_num_inputs(m), a.n_in);
    ew_model_free(m);
    return 2;
  }
  if ((size_t)a.n_out > ew_model_num_outputs(m)) a.n_out = (int)ew_model_num_outputs(m);
  ew_session_options opt = {a.threads, a.ncpus ? a.cpus : NULL, a.ncpus, a.scalar, a.f16};
  ew_session *s = NULL;
  rc = ew_session_create(m, &opt, &s, &err);
  if (rc) fprintf(stderr, "edgewise-run: %s: %s\n", ew_status_name(rc), err.message);
  for (size_t i = 0; !rc && (a.info || a.profile) && i < ew_model_num_ops(m); i++)
    if (ew_session_op_f16(s, i)) fprintf(stderr, "fp16 arithmetic: op %zu %s\n", i, ew_model_op_name(m, i));
  if (!rc && a.n_in) rc = run(&a, m, s);
  if (!rc) rc = write_outputs(&a, m, s);
  ew_session_free(s);
  ew_model_free(m);
  return rc ? 1 : 0;
}
