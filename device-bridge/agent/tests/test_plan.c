/* Plan loading end to end: a valid plan for every conv kernel choice gives the reference
 * output; targeted invalid plans give the right error code; truncated and bit-flipped plans
 * never crash (run under ASan/UBSan in the host-asan build). */
#include <string.h>
#include "edgewise/rt.h"
#include "plan_builder.h"
#include "ops_net.h"
#include "testutil.h"

static void run_valid(int kernel, int threads, int scalar) {
  tiny_net t;
  tiny_net_build(kernel, 7, &t);
  ew_model *m = NULL;
  ew_session *s = NULL;
  ew_error err;
  int rc = ew_model_load(t.plan, t.plan_len, &m, &err);
  TU_CHECK(rc == EW_OK, "kernel %d: load failed: %s", kernel, err.message);
  if (rc == EW_OK) {
    ew_session_options opt = {threads, NULL, 0, scalar, 0};
    rc = ew_session_create(m, &opt, &s, &err);
    TU_CHECK(rc == EW_OK, "session: %s", err.message);
    for (int it = 0; rc == EW_OK && it < 2; it++) { /* twice: runs must not depend on history */
      memcpy(ew_session_input(s, 0), t.input, t.n_input * sizeof(float));
      TU_CHECK(ew_session_run(s, NULL, &err) == EW_OK, "run: %s", err.message);
      char what[64];
      snprintf(what, sizeof(what), "tiny net conv kernel %d threads %d", kernel, threads);
      tu_close(what, ew_session_output(s, 0), t.want, NULL, t.n_output, 1e-4f, 1e-6f);
    }
  }
  ew_session_free(s);
  ew_model_free(m);
  tiny_net_free(&t);
}

/* Loads; on success also runs (with a capped arena) so a wrongly accepted plan shows up as a
 * sanitizer report rather than passing silently. */
static int load_and_maybe_run(const uint8_t *p, size_t n) {
  ew_model *m = NULL;
  ew_error err;
  int rc = ew_model_load(p, n, &m, &err);
  TU_CHECK((rc == EW_OK) == (m != NULL), "rc %d but model %p", rc, (void *)m);
  TU_CHECK(rc == EW_OK || err.message[0], "error %d without a message", rc);
  if (rc == EW_OK && ew_model_arena_size(m) < ((uint64_t)64 << 20)) {
    ew_session *s = NULL;
    if (ew_session_create(m, NULL, &s, &err) == EW_OK) ew_session_run(s, NULL, &err);
    ew_session_free(s);
  }
  ew_model_free(m);
  return rc;
}

static void corrupt(void) {
  tiny_net t;
  tiny_net_build(EDGEWISE__PLAN__KERNEL_ID__CONV_IM2COL_SGEMM, 9, &t);
  int ok = 0, failed = 0;
  size_t step = 1; /* every prefix, also under qemu: loading is cheap */
  for (size_t len = 0; len < t.plan_len; len += step) {
    uint8_t *copy = malloc(len ? len : 1); /* exact size so ASan sees any over-read */
    memcpy(copy, t.plan, len);
    if (load_and_maybe_run(copy, len) == EW_OK) ok++; else failed++;
    free(copy);
  }
  TU_CHECK(failed > 0, "no truncation was refused");
  tu_seed(11);
  int flips = TU_BIG ? 4000 : 1500;
  uint8_t *copy = malloc(t.plan_len);
  for (int i = 0; i < flips; i++) {
    memcpy(copy, t.plan, t.plan_len);
    int nbits = 1 + (int)(tu_u32() % 3);
    for (int k = 0; k < nbits; k++) copy[tu_u32() % t.plan_len] ^= (uint8_t)(1u << (tu_u32() % 8));
    if (load_and_maybe_run(copy, t.plan_len) == EW_OK) ok++; else failed++;
  }
  free(copy);
  printf("corrupt plans: %d accepted (harmless flips), %d refused\n", ok, failed);
  tiny_net_free(&t);
}

static float *run_once(const tiny_net *t) {
  ew_model *m = NULL;
  ew_session *s = NULL;
  ew_error err;
  float *out = calloc(t->n_output, sizeof(float));
  if (ew_model_load(t->plan, t->plan_len, &m, &err) || ew_session_create(m, NULL, &s, &err)) {
    TU_CHECK(0, "load: %s", err.message);
  } else {
    memcpy(ew_session_input(s, 0), t->input, t->n_input * sizeof(float));
    ew_session_run(s, NULL, &err);
    memcpy(out, ew_session_output(s, 0), t->n_output * sizeof(float));
  }
  ew_session_free(s);
  ew_model_free(m);
  return out;
}

/* a plan carrying packed weights must give bit-identical results to one carrying OIHW */
static void prepacked_equals_canonical(void) {
  static const int kernels[] = {EDGEWISE__PLAN__KERNEL_ID__CONV_IM2COL_SGEMM,
                                EDGEWISE__PLAN__KERNEL_ID__CONV1X1_SGEMM,
                                EDGEWISE__PLAN__KERNEL_ID__CONV3X3S1_WINOGRAD_F23,
                                EDGEWISE__PLAN__KERNEL_ID__CONV3X3S1_WINOGRAD_F43};
  for (size_t i = 0; i < sizeof(kernels) / sizeof(kernels[0]); i++) {
    tiny_net a, b;
    tiny_net_prepack = 0;
    tiny_net_build(kernels[i], 21, &a);
    tiny_net_prepack = 1;
    tiny_net_build(kernels[i], 21, &b);
    tiny_net_prepack = 0;
    TU_CHECK(a.plan_len != b.plan_len || memcmp(a.plan, b.plan, a.plan_len), "plans identical");
    float *ya = run_once(&a), *yb = run_once(&b);
    TU_CHECK(!memcmp(ya, yb, a.n_output * sizeof(float)), "kernel %d: packed != OIHW", kernels[i]);
    free(ya); free(yb);
    tiny_net_free(&a);
    tiny_net_free(&b);
  }
}

static void ops_plan(int threads) {
  ops_net n;
  ops_net_build(13, &n);
  ew_model *m = NULL;
  ew_session *s = NULL;
  ew_error err;
  int rc = ew_model_load(n.plan, n.plan_len, &m, &err);
  TU_CHECK(rc == EW_OK, "ops plan: %s", err.message);
  ew_session_options opt = {threads, NULL, 0, 0, 0};
  if (rc == EW_OK && ew_session_create(m, &opt, &s, &err) == EW_OK) {
    for (int it = 0; it < 2; it++) { /* the in-place add overwrites the input: rewrite it */
      memcpy(ew_session_input(s, 0), n.input, 60 * sizeof(float));
      TU_CHECK(ew_session_run(s, NULL, &err) == EW_OK, "run: %s", err.message);
      tu_close("ops plan output 0", ew_session_output(s, 0), n.want0, NULL, 48, 1e-5f, 1e-7f);
      tu_close("ops plan output 1", ew_session_output(s, 1), n.want1, NULL, 4, 1e-5f, 1e-7f);
    }
  }
  ew_session_free(s);
  ew_model_free(m);
  /* every truncation of this plan too */
  for (size_t len = 0; len < n.plan_len; len += TU_BIG ? 1 : 5) {
    uint8_t *copy = malloc(len ? len : 1);
    memcpy(copy, n.plan, len);
    load_and_maybe_run(copy, len);
    free(copy);
  }
  free(n.plan);
  free(n.input);
}

typedef void (*mutator)(Edgewise__Plan__Plan *p);
static void m_magic(Edgewise__Plan__Plan *p) { p->magic = 0x12345678; }
static void m_version(Edgewise__Plan__Plan *p) { p->format_version = 2; }
static void m_tensor_id(Edgewise__Plan__Plan *p) { p->ops[1]->inputs[0] = 999; }
static void m_offset(Edgewise__Plan__Plan *p) { p->tensors[2]->arena_offset = UINT64_MAX - 15; }
static void m_offset_end(Edgewise__Plan__Plan *p) { p->tensors[2]->arena_offset = p->arena_size; }
static void m_blob(Edgewise__Plan__Plan *p) { p->ops[0]->weight->index = 1000; }
static void m_dims(Edgewise__Plan__Plan *p) { p->tensors[1]->dims[3] = 11; p->tensors[1]->byte_size -= 8 * 12 * 4; }
static void m_bytes(Edgewise__Plan__Plan *p) { p->tensors[1]->byte_size += 4; }
static void m_kernel(Edgewise__Plan__Plan *p) { p->ops[0]->kernel = 200; }
static void m_dtype(Edgewise__Plan__Plan *p) { p->tensors[0]->dtype = 9; }
/* a uint8 graph input (byte size right for uint8): graph inputs must be DT_F32 */
static void m_u8_input(Edgewise__Plan__Plan *p) {
  p->tensors[0]->dtype = EDGEWISE__PLAN__DATA_TYPE__DT_U8;
  p->tensors[0]->byte_size /= 4;
}
static void m_weights(Edgewise__Plan__Plan *p) { p->blobs[0]->data.len -= 4; }
static void m_alias(Edgewise__Plan__Plan *p) { p->tensors[2]->arena_offset = p->tensors[1]->arena_offset; }
static void m_order(Edgewise__Plan__Plan *p) { p->ops[2]->inputs[0] = p->ops[3]->outputs[0]; }
static void m_params(Edgewise__Plan__Plan *p) { p->ops[0]->conv->kernel_shape[0] = 5; }
static void m_zero_dim(Edgewise__Plan__Plan *p) { p->tensors[0]->dims[1] = 0; }
static void m_huge_dim(Edgewise__Plan__Plan *p) { for (int i = 0; i < 4; i++) p->tensors[0]->dims[i] = 0xFFFFFFFF; }
static void m_output(Edgewise__Plan__Plan *p) { p->outputs[0] = 77; }
static void m_group(Edgewise__Plan__Plan *p) { p->ops[2]->conv->group = 3; }
/* memory-plan bugs: dw2 reads pool1 after add1 wrote over it in place; a graph output (dw2's)
 * overwritten by a later op (fc) */
static void m_clobber(Edgewise__Plan__Plan *p) {
  p->ops[4]->inputs[0] = 2;
  p->tensors[4]->arena_offset = p->tensors[2]->arena_offset;
}
static void m_out_clobbered(Edgewise__Plan__Plan *p) {
  p->outputs[0] = 5;
  p->tensors[7]->arena_offset = p->tensors[5]->arena_offset;
}

static void invalid_cases(void) {
  static const struct { const char *name; mutator f; int code; } cases[] = {
      {"magic", m_magic, EW_ERR_FORMAT}, {"version", m_version, EW_ERR_VERSION},
      {"tensor id", m_tensor_id, EW_ERR_INVALID}, {"offset overflow", m_offset, EW_ERR_INVALID},
      {"offset at end", m_offset_end, EW_ERR_INVALID}, {"blob index", m_blob, EW_ERR_INVALID},
      {"dims vs params", m_dims, EW_ERR_INVALID}, {"byte_size", m_bytes, EW_ERR_INVALID},
      {"kernel id", m_kernel, EW_ERR_UNSUPPORTED}, {"dtype", m_dtype, EW_ERR_UNSUPPORTED},
      {"u8 graph input", m_u8_input, EW_ERR_INVALID},
      {"weight size", m_weights, EW_ERR_INVALID}, {"aliasing", m_alias, EW_ERR_INVALID},
      {"use before def", m_order, EW_ERR_INVALID}, {"kernel shape", m_params, EW_ERR_INVALID},
      {"zero dim", m_zero_dim, EW_ERR_INVALID}, {"huge dims", m_huge_dim, EW_ERR_INVALID},
      {"graph output", m_output, EW_ERR_INVALID}, {"group", m_group, EW_ERR_INVALID},
      {"clobbered input", m_clobber, EW_ERR_INVALID}, {"output clobbered", m_out_clobbered, EW_ERR_INVALID},
  };
  tiny_net t;
  tiny_net_build(EDGEWISE__PLAN__KERNEL_ID__CONV_IM2COL_SGEMM, 5, &t);
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    Edgewise__Plan__Plan *p = edgewise__plan__plan__unpack(NULL, t.plan_len, t.plan);
    cases[i].f(p);
    size_t len = edgewise__plan__plan__get_packed_size(p);
    uint8_t *buf = malloc(len);
    edgewise__plan__plan__pack(p, buf);
    edgewise__plan__plan__free_unpacked(p, NULL);
    ew_model *m = NULL;
    ew_error err = {0, ""};
    int rc = ew_model_load(buf, len, &m, &err);
    TU_CHECK(rc == cases[i].code, "%s: got %s (%s), want %s", cases[i].name, ew_status_name(rc),
             err.message, ew_status_name(cases[i].code));
    printf("  %-16s -> %s: %s\n", cases[i].name, ew_status_name(rc), err.message);
    ew_model_free(m);
    free(buf);
  }
  tiny_net_free(&t);
}

int main(void) {
  static const int kernels[] = {
      EDGEWISE__PLAN__KERNEL_ID__CONV_DIRECT, EDGEWISE__PLAN__KERNEL_ID__CONV_IM2COL_SGEMM,
      EDGEWISE__PLAN__KERNEL_ID__CONV1X1_SGEMM, EDGEWISE__PLAN__KERNEL_ID__CONV3X3S1_WINOGRAD_F23,
      EDGEWISE__PLAN__KERNEL_ID__CONV3X3S1_WINOGRAD_F43, EDGEWISE__PLAN__KERNEL_ID__CONV_FFT};
  for (size_t i = 0; i < sizeof(kernels) / sizeof(kernels[0]); i++) {
    run_valid(kernels[i], 1, 0);
    run_valid(kernels[i], 3, 0);
    run_valid(kernels[i], 2, 1);
  }
  prepacked_equals_canonical();
  ops_plan(1);
  ops_plan(2);
  invalid_cases();
  corrupt();
  return tu_finish("test_plan");
}
