/* Op adapters for the weight-carrying kernels: every conv algorithm and GEMM. They check the
 * op against its tensors, then bring the weights into the kernel's layout once. */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

typedef struct conv_state {
  ew_conv_shape s;
  const ew_conv_algo *algo;
  const float *w, *bias;
  float *owned; /* packed/transformed weights when the plan carried OIHW, or widened fp16 */
  ew_f16 *w16;  /* packed A halves for fp16 arithmetic (allow_f16_arithmetic), else NULL */
} conv_state;

static const ew_conv_algo *algo_for(int kernel) {
  switch (kernel) {
#define EW_CONV(ID, NAME) case EDGEWISE__PLAN__KERNEL_ID__##ID: return &ew_algo_##NAME;
#include "../kernels/kernels.inc"
    default: return NULL;
  }
}

static int packed_layout_for(int kernel) {
  switch (kernel) {
    case EDGEWISE__PLAN__KERNEL_ID__CONV_IM2COL_SGEMM:
    case EDGEWISE__PLAN__KERNEL_ID__CONV1X1_SGEMM:
      return EDGEWISE__PLAN__LAYOUT__LAYOUT_GEMM_A_MR8;
    case EDGEWISE__PLAN__KERNEL_ID__CONV3X3S1_WINOGRAD_F23:
      return EDGEWISE__PLAN__LAYOUT__LAYOUT_WINOGRAD_F23_MR8;
    case EDGEWISE__PLAN__KERNEL_ID__CONV3X3S1_WINOGRAD_F43:
      return EDGEWISE__PLAN__LAYOUT__LAYOUT_WINOGRAD_F43_MR8;
    default: return -1;
  }
}

static uint32_t param(const uint32_t *v, size_t n, size_t i, size_t want, uint32_t dflt,
                      int *bad) {
  if (n == 0) return dflt;
  if (n != want) { *bad = 1; return dflt; }
  if (v[i] > (1u << 20)) *bad = 1;
  return v[i];
}

static int conv_shape(const ew_model *m, const ew_op *op, const Edgewise__Plan__ConvParams *p,
                      ew_conv_shape *s, ew_error *err) {
  const ew_tensor *x = &m->tensors[op->in[0]], *y = &m->tensors[op->out[0]];
  if (x->rank != 4 || y->rank != 4)
    return ew_op_fail(err, op, EW_ERR_INVALID, "input rank %d / output rank %d, needs 4 (NCHW)",
                      x->rank, y->rank);
  int bad = p->n_kernel_shape != 2;
  memset(s, 0, sizeof(*s));
  s->n = (int)x->dims[0]; s->c = (int)x->dims[1]; s->h = (int)x->dims[2]; s->w = (int)x->dims[3];
  s->m = (int)y->dims[1];
  s->kh = (int)param(p->kernel_shape, p->n_kernel_shape, 0, 2, 0, &bad);
  s->kw = (int)param(p->kernel_shape, p->n_kernel_shape, 1, 2, 0, &bad);
  s->sh = (int)param(p->strides, p->n_strides, 0, 2, 1, &bad);
  s->sw = (int)param(p->strides, p->n_strides, 1, 2, 1, &bad);
  s->dh = (int)param(p->dilations, p->n_dilations, 0, 2, 1, &bad);
  s->dw = (int)param(p->dilations, p->n_dilations, 1, 2, 1, &bad);
  s->pt = (int)param(p->pads, p->n_pads, 0, 4, 0, &bad);
  s->pl = (int)param(p->pads, p->n_pads, 1, 4, 0, &bad);
  s->pb = (int)param(p->pads, p->n_pads, 2, 4, 0, &bad);
  s->pr = (int)param(p->pads, p->n_pads, 3, 4, 0, &bad);
  s->group = p->group ? (int)p->group : 1;
  if (bad || (p->out_channels && p->out_channels != y->dims[1]))
    return ew_op_fail(err, op, EW_ERR_INVALID, "conv params malformed (kernel_shape needs 2 "
                      "values, strides/dilations 2, pads 4, out_channels = output dim 1)");
  if (ew_conv_shape_finish(s))
    return ew_op_fail(err, op, EW_ERR_INVALID, "impossible conv: C=%d M=%d H=%d W=%d k=%dx%d "
                      "group=%d", s->c, s->m, s->h, s->w, s->kh, s->kw, s->group);
  if ((uint32_t)s->n != y->dims[0] || (uint32_t)s->oh != y->dims[2] || (uint32_t)s->ow != y->dims[3])
    return ew_op_fail(err, op, EW_ERR_INVALID, "output dims [%u,%u,%u,%u], the params give "
                      "[%d,%d,%d,%d]", y->dims[0], y->dims[1], y->dims[2], y->dims[3], s->n, s->m,
                      s->oh, s->ow);
  return EW_OK;
}

static int bias_blob(const ew_model *m, const ew_op *op, const Edgewise__Plan__BlobRef *ref,
                     size_t n, const float **bias, ew_error *err) {
  *bias = NULL;
  if (!ref) return EW_OK;
  const Edgewise__Plan__Blob *b = ew_blob(m, ref);
  if (!b || b->layout != EDGEWISE__PLAN__LAYOUT__LAYOUT_RAW || b->data.len != n * 4)
    return ew_op_fail(err, op, EW_ERR_INVALID, "bias blob %u must be DT_F32 LAYOUT_RAW of %zu "
                      "floats", ref->index, n);
  *bias = (const float *)(const void *)b->data.data;
  return EW_OK;
}

static int conv_weights(const ew_model *m, ew_op *op, const Edgewise__Plan__Op *po,
                        conv_state *st, ew_error *err) {
  const Edgewise__Plan__Blob *b = ew_weight_blob(m, po->weight);
  const ew_conv_shape *s = &st->s;
  size_t oihw = (size_t)s->m * (size_t)(s->c / s->group) * s->kh * s->kw;
  size_t packed = st->algo->packed_floats(s);
  if (!b) return ew_op_fail(err, op, EW_ERR_INVALID, "weight blob missing, out of range or not "
                            "DT_F32/DT_F16");
  if (b->layout == EDGEWISE__PLAN__LAYOUT__LAYOUT_OIHW) {
    size_t es = ew_blob_elem_size(b);
    if (b->data.len != oihw * es)
      return ew_op_fail(err, op, EW_ERR_INVALID, "OIHW weight blob has %zu bytes, needs %zu",
                        b->data.len, oihw * es);
    float *wide = NULL;
    if (ew_blob_floats(b, b->data.data, oihw, &st->w, &wide))
      return ew_op_fail(err, op, EW_ERR_NOMEM, "no memory to widen fp16 weights");
    if (packed == 0) { st->owned = wide; return EW_OK; }
    st->owned = malloc(packed * sizeof(float));
    if (!st->owned) { free(wide); return ew_op_fail(err, op, EW_ERR_NOMEM, "no memory for packed weights"); }
    st->algo->pack(s, st->w, st->owned);
    free(wide); /* fp16 storage: only the packed fp32 copy stays */
    st->w = st->owned;
    return EW_OK;
  }
  if (b->dtype != EDGEWISE__PLAN__DATA_TYPE__DT_F32)
    return ew_op_fail(err, op, EW_ERR_INVALID, "packed weight layouts must be DT_F32 (fp16 "
                      "storage uses LAYOUT_OIHW)");
  if ((int)b->layout != packed_layout_for(op->kernel) || b->data.len != packed * 4)
    return ew_op_fail(err, op, EW_ERR_INVALID, "weight blob layout %d with %zu bytes: needs "
                      "LAYOUT_OIHW (%zu bytes) or layout %d (%zu bytes)", (int)b->layout,
                      b->data.len, oihw * 4, packed_layout_for(op->kernel), packed * 4);
  st->w = (const float *)(const void *)b->data.data;
  return EW_OK;
}

static void conv_destroy(void *state) {
  conv_state *st = state;
  if (st) { free(st->owned); free(st->w16); }
  free(st);
}

/* Halves of the packed A panels: MR8 halves share the fp32 panel layout element for element. */
static int narrow_packed(const ew_op *op, const float *w, size_t n, ew_f16 **out, ew_error *err) {
  *out = malloc((n ? n : 1) * sizeof(ew_f16));
  if (!*out) return ew_op_fail(err, op, EW_ERR_NOMEM, "no memory for fp16 weights");
  ew_f32_narrow_f16_neon(w, *out, n);
  return EW_OK;
}

static int gemm_conv_kernel(int kernel) {
  return kernel == EDGEWISE__PLAN__KERNEL_ID__CONV_IM2COL_SGEMM ||
         kernel == EDGEWISE__PLAN__KERNEL_ID__CONV1X1_SGEMM;
}

static int conv_prepare(ew_model *m, ew_op *op, const Edgewise__Plan__Op *po, ew_error *err) {
  int rc = ew_check_io(m, op, 1, 1, err);
  if (rc) return rc;
  if (po->params_case != EDGEWISE__PLAN__OP__PARAMS_CONV)
    return ew_op_fail(err, op, EW_ERR_INVALID, "needs ConvParams");
  conv_state *st = calloc(1, sizeof(*st));
  if (!st) return ew_op_fail(err, op, EW_ERR_NOMEM, "out of memory");
  op->state = st;
  st->algo = algo_for(op->kernel);
  if ((rc = conv_shape(m, op, po->conv, &st->s, err))) return rc;
  const char *why = st->algo->unsupported(&st->s);
  if (why) return ew_op_fail(err, op, EW_ERR_INVALID, "shape not valid for this kernel: %s", why);
  if ((rc = bias_blob(m, op, po->bias, (size_t)st->s.m, &st->bias, err))) return rc;
  if ((rc = conv_weights(m, op, po, st, err))) return rc;
  if (!po->allow_f16_arithmetic || !gemm_conv_kernel(op->kernel)) return EW_OK;
  op->f16_ready = 1;
  return narrow_packed(op, st->w, st->algo->packed_floats(&st->s), &st->w16, err);
}

static size_t conv_ws(const ew_op *op, int nthreads) {
  const conv_state *st = op->state;
  size_t ws = st->algo->workspace_floats(&st->s, nthreads);
  size_t ws16 = st->w16 ? ew_conv_f16_workspace_floats(nthreads) : 0;
  return ws > ws16 ? ws : ws16;
}

static void conv_run(const ew_op *op, const ew_exec *ex) {
  const conv_state *st = op->state;
  ew_conv_args a = {&st->s, ew_tensor_ptr(ex, op->in[0]), st->w, st->bias, &op->act,
                    ew_tensor_ptr(ex, op->out[0]), ex->ws, ex->pool, ex->gemm};
  if (ew_op_uses_f16(op, ex))
    ew_conv_gemm_f16(ex->hgemm, &a, st->w16, op->kernel == EDGEWISE__PLAN__KERNEL_ID__CONV1X1_SGEMM);
  else
    st->algo->run(&a);
}

const ew_op_adapter ew_adapter_conv = {conv_prepare, conv_ws, conv_run, conv_destroy, 0};

int ew_op_conv_shape(const ew_model *m, const ew_op *op, const Edgewise__Plan__ConvParams *p,
                     ew_conv_shape *s, ew_error *err) {
  return conv_shape(m, op, p, s, err);
}

typedef struct gemm_state {
  size_t B, N, K;
  const float *w, *bias;
  float *owned;
  ew_f16 *w16;
} gemm_state;

static int gemm_weights(const ew_model *m, const ew_op *op, const Edgewise__Plan__Op *po,
                        gemm_state *st, ew_error *err) {
  const Edgewise__Plan__Blob *b = ew_weight_blob(m, po->weight);
  size_t packed = ew_pack_a_floats(st->N, st->K), nk = st->N * st->K;
  if (b && b->layout == EDGEWISE__PLAN__LAYOUT__LAYOUT_OI && b->data.len == nk * ew_blob_elem_size(b)) {
    const float *w = NULL;
    float *wide = NULL;
    st->owned = malloc(packed * sizeof(float));
    if (!st->owned || ew_blob_floats(b, b->data.data, nk, &w, &wide))
      return ew_op_fail(err, op, EW_ERR_NOMEM, "no memory for packed weights");
    ew_pack_a_f32(st->N, st->K, w, st->K, st->owned);
    free(wide);
    st->w = st->owned;
    return EW_OK;
  }
  if (b && b->dtype == EDGEWISE__PLAN__DATA_TYPE__DT_F32 &&
      b->layout == EDGEWISE__PLAN__LAYOUT__LAYOUT_GEMM_A_MR8 && b->data.len == packed * 4) {
    st->w = (const float *)(const void *)b->data.data;
    return EW_OK;
  }
  return ew_op_fail(err, op, EW_ERR_INVALID, "weight blob must be LAYOUT_OI of %zu elements "
                    "(DT_F32 or DT_F16) or DT_F32 LAYOUT_GEMM_A_MR8 of %zu floats", nk, packed);
}

static int gemm_prepare(ew_model *m, ew_op *op, const Edgewise__Plan__Op *po, ew_error *err) {
  int rc = ew_check_io(m, op, 1, 1, err);
  if (rc) return rc;
  const ew_tensor *x = &m->tensors[op->in[0]], *y = &m->tensors[op->out[0]];
  gemm_state *st = calloc(1, sizeof(*st));
  if (!st) return ew_op_fail(err, op, EW_ERR_NOMEM, "out of memory");
  op->state = st;
  if (x->rank < 1 || y->rank != 2 || x->dims[0] != y->dims[0])
    return ew_op_fail(err, op, EW_ERR_INVALID, "needs X [B, ...] and Y [B, N]");
  st->B = x->dims[0];
  st->K = x->elems / st->B;
  st->N = y->dims[1];
  if ((rc = bias_blob(m, op, po->bias, st->N, &st->bias, err))) return rc;
  if ((rc = gemm_weights(m, op, po, st, err))) return rc;
  if (!po->allow_f16_arithmetic) return EW_OK;
  op->f16_ready = 1;
  return narrow_packed(op, st->w, ew_pack_a_floats(st->N, st->K), &st->w16, err);
}

static size_t gemm_ws(const ew_op *op, int nthreads) {
  const gemm_state *st = op->state;
  size_t ws = ew_fc_workspace_floats(st->B, st->N, nthreads);
  size_t ws16 = st->w16 ? ew_fc_f16_workspace_floats(st->B, st->N, st->K, nthreads) : 0;
  return ws > ws16 ? ws : ws16;
}

static void gemm_run(const ew_op *op, const ew_exec *ex) {
  const gemm_state *st = op->state;
  if (ew_op_uses_f16(op, ex))
    ew_fc_f16(ex->hgemm, st->B, st->N, st->K, ew_tensor_ptr(ex, op->in[0]), st->w16, st->bias,
              &op->act, ew_tensor_ptr(ex, op->out[0]), ex->ws, ex->pool);
  else
    ew_fc_f32(ex->gemm, st->B, st->N, st->K, ew_tensor_ptr(ex, op->in[0]), st->w, st->bias,
              &op->act, ew_tensor_ptr(ex, op->out[0]), ex->ws, ex->pool);
}

static void gemm_destroy(void *state) {
  gemm_state *st = state;
  if (st) { free(st->owned); free(st->w16); }
  free(st);
}

const ew_op_adapter ew_adapter_gemm = {gemm_prepare, gemm_ws, gemm_run, gemm_destroy, 0};
