/* Edgewise device runtime: loads a plan (docs/plan-format.md) and runs it.
 * A model is immutable once loaded and may be shared by sessions; a session owns the
 * activation arena, the workspace and the thread pool, and is used by one thread at a time. */
#ifndef EDGEWISE_RT_H
#define EDGEWISE_RT_H
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EW_RT_VERSION "0.1.0"
#define EW_PLAN_MAGIC 0x4C505745u
#define EW_PLAN_FORMAT_VERSION 1u

typedef enum ew_status {
  EW_OK = 0,
  EW_ERR_PARSE = -1,       /* not a protobuf Plan: truncated or corrupt bytes */
  EW_ERR_FORMAT = -2,      /* wrong magic */
  EW_ERR_VERSION = -3,     /* format_version this runtime does not read */
  EW_ERR_INVALID = -4,     /* a rule of the plan format is broken */
  EW_ERR_UNSUPPORTED = -5, /* well formed, but not implemented here (dtype, kernel, layout) */
  EW_ERR_NOMEM = -6,       /* allocation failed or a size limit was hit */
  EW_ERR_IO = -7,
  EW_ERR_ARG = -8          /* API misuse: NULL pointer, index out of range */
} ew_status;

typedef struct ew_error {
  int code;
  char message[384];
} ew_error;

const char *ew_status_name(int code);

typedef struct ew_model ew_model;
typedef struct ew_session ew_session;

#define EW_MAX_DIMS 8
typedef struct ew_tensor_info {
  uint32_t id;
  const char *name;
  int rank;
  uint32_t dims[EW_MAX_DIMS];
  size_t bytes;
} ew_tensor_info;

int ew_model_load(const void *data, size_t len, ew_model **out, ew_error *err);
int ew_model_load_file(const char *path, ew_model **out, ew_error *err);
void ew_model_free(ew_model *model);

size_t ew_model_num_inputs(const ew_model *model);
size_t ew_model_num_outputs(const ew_model *model);
int ew_model_input_info(const ew_model *model, size_t i, ew_tensor_info *info);
int ew_model_output_info(const ew_model *model, size_t i, ew_tensor_info *info);
size_t ew_model_num_ops(const ew_model *model);
const char *ew_model_op_name(const ew_model *model, size_t i);
const char *ew_model_op_kernel(const ew_model *model, size_t i);
uint64_t ew_model_arena_size(const ew_model *model);
const char *ew_model_compiler_version(const ew_model *model);

typedef struct ew_session_options {
  int threads;       /* >= 1; 0 means 1 */
  const int *cpus;   /* optional: pin thread i to cpus[i % ncpus] (e.g. the big cores) */
  int ncpus;
  int scalar;        /* 1: use the scalar twins of the NEON kernels (debugging, tests) */
  /* ops whose plan allows fp16 arithmetic: 0 = use it when the CPU has fphp + asimdhp
   * (EW_CPU_FP16), -1 = never (fp32), 1 = always (the scalar twin where the CPU lacks it:
   * tests and debugging on hosts) */
  int f16_arithmetic;
} ew_session_options;

int ew_session_create(const ew_model *model, const ew_session_options *opt, ew_session **out,
                      ew_error *err);
void ew_session_free(ew_session *s);
/* Pointers into the arena, valid for the session's life. Inputs must be written before each
 * run: the memory plan may reuse their bytes for later activations. */
float *ew_session_input(ew_session *s, size_t i);
const float *ew_session_output(const ew_session *s, size_t i);
/* 1 when op i of the session's model runs in fp16 arithmetic in this session, else 0 */
int ew_session_op_f16(const ew_session *s, size_t i);
/* op_seconds: optional array of ew_model_num_ops() wall-clock durations of the run. */
int ew_session_run(ew_session *s, double *op_seconds, ew_error *err);

/* The fastest cores (big cores of a big.LITTLE SoC) from sysfs, for ew_session_options.cpus.
 * Returns the count written, 0 when the system does not say (then leave placement to the OS). */
int ew_cpu_big_cores(int *cpus, int max);

/* CPU features read at run time (getauxval on Linux/Android). Kernels needing more than the
 * armv8-a baseline (the int8 dotprod and fp16 kernels of a later version) are chosen from
 * these, never assumed at build time. 0 on non-ARM hosts. */
enum { EW_CPU_ASIMD = 1, EW_CPU_FP16 = 2, EW_CPU_DOTPROD = 4 };
unsigned ew_cpu_features(void);

/* "aarch64 asimd" or "x86_64 (NEON via SIMDe)" and the CPU features found at run time. */
const char *ew_cpu_description(void);

#ifdef __cplusplus
}
#endif
#endif
