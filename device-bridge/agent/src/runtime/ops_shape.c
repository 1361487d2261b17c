/* Op adapters: Transpose, Pad, Reshape (view), Softmax, LRN, BatchNorm, standalone activations. */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define T(i) (&m->tensors[op->in[i]])
#define Y(i) (&m->tensors[op->out[i]])
#define X_PTR(i) ew_tensor_ptr(ex, op->in[i])
#define Y_PTR(i) ew_tensor_ptr(ex, op->out[i])

static size_t no_ws(const ew_op *op, int nthreads) { (void)op; (void)nthreads; return 0; }

static int same_dims(const ew_tensor *a, const ew_tensor *b) {
  return a->rank == b->rank && !memcmp(a->dims, b->dims, sizeof(uint32_t) * (size_t)a->rank);
}

static int need(const ew_op *op, int ok, ew_error *err, const char *what) {
  return ok ? EW_OK : ew_op_fail(err, op, EW_ERR_INVALID, "%s", what);
}

static int unary(ew_model *m, const ew_op *op, int allow_act, ew_error *err) {
  int rc = ew_check_io(m, op, 1, 1, err);
  if (rc) return rc;
  if (!allow_act && op->act.kind != EW_ACT_NONE)
    return ew_op_fail(err, op, EW_ERR_INVALID, "this kernel has no fused activation");
  return EW_OK;
}

/* a private copy of a repeated uint32 param, so run() needs no protobuf types */
static int keep(ew_op *op, const uint32_t *v, size_t n, ew_error *err) {
  uint32_t *c = malloc((n ? n : 1) * sizeof(uint32_t));
  if (!c) return ew_op_fail(err, op, EW_ERR_NOMEM, "out of memory");
  if (n) memcpy(c, v, n * sizeof(uint32_t));
  op->state = c;
  return EW_OK;
}

static int transpose_prepare(ew_model *m, ew_op *op, const Edgewise__Plan__Op *po, ew_error *err) {
  int rc = unary(m, op, 0, err);
  if (rc) return rc;
  const ew_tensor *x = T(0), *y = Y(0);
  if (po->params_case != EDGEWISE__PLAN__OP__PARAMS_TRANSPOSE ||
      po->transpose->n_perm != (size_t)x->rank || y->rank != x->rank)
    return ew_op_fail(err, op, EW_ERR_INVALID, "needs TransposeParams with %d perm entries", x->rank);
  unsigned seen = 0;
  for (int i = 0; i < x->rank; i++) {
    uint32_t p = po->transpose->perm[i];
    if (p >= (uint32_t)x->rank || (seen & (1u << p)) || y->dims[i] != x->dims[p])
      return ew_op_fail(err, op, EW_ERR_INVALID, "perm is not a permutation matching the dims");
    seen |= 1u << p;
  }
  return keep(op, po->transpose->perm, po->transpose->n_perm, err);
}

static void transpose_run(const ew_op *op, const ew_exec *ex) {
  const ew_tensor *x = &ex->m->tensors[op->in[0]];
  ew_transpose_f32(X_PTR(0), x->dims, x->rank, op->state, Y_PTR(0));
}

const ew_op_adapter ew_adapter_transpose = {transpose_prepare, no_ws, transpose_run, free, 0};

typedef struct pad_state { int mode; float value; uint32_t pads[2 * EW_MAX_DIMS]; } pad_state;

static int pad_prepare(ew_model *m, ew_op *op, const Edgewise__Plan__Op *po, ew_error *err) {
  int rc = unary(m, op, 0, err);
  if (rc) return rc;
  const ew_tensor *x = T(0), *y = Y(0);
  if (po->params_case != EDGEWISE__PLAN__OP__PARAMS_PAD || po->pad->n_pads != 2 * (size_t)x->rank ||
      y->rank != x->rank || po->pad->mode > EDGEWISE__PLAN__PAD_MODE__PAD_EDGE)
    return ew_op_fail(err, op, EW_ERR_INVALID, "needs PadParams with %d pads and a known mode",
                      2 * x->rank);
  pad_state *st = calloc(1, sizeof(*st));
  if (!st) return ew_op_fail(err, op, EW_ERR_NOMEM, "out of memory");
  op->state = st;
  st->mode = (int)po->pad->mode;
  st->value = po->pad->value;
  for (int i = 0; i < x->rank; i++) {
    uint64_t b = po->pad->pads[i], e = po->pad->pads[x->rank + i];
    if ((uint64_t)x->dims[i] + b + e != y->dims[i])
      return ew_op_fail(err, op, EW_ERR_INVALID, "output dim %d is not input + pads", i);
    if (st->mode == EW_PAD_REFLECT && (b >= x->dims[i] || e >= x->dims[i]))
      return ew_op_fail(err, op, EW_ERR_INVALID, "reflect pads must be smaller than the dim");
    st->pads[i] = (uint32_t)b;
    st->pads[x->rank + i] = (uint32_t)e;
  }
  return EW_OK;
}

static void pad_run(const ew_op *op, const ew_exec *ex) {
  const ew_tensor *x = &ex->m->tensors[op->in[0]];
  const pad_state *st = op->state;
  ew_pad_f32(X_PTR(0), x->dims, x->rank, st->pads, st->mode, st->value, Y_PTR(0));
}

const ew_op_adapter ew_adapter_pad = {pad_prepare, no_ws, pad_run, free, 0};

static int reshape_prepare(ew_model *m, ew_op *op, const Edgewise__Plan__Op *po, ew_error *err) {
  (void)po;
  int rc = unary(m, op, 0, err);
  return rc ? rc : need(op, T(0)->elems == Y(0)->elems, err, "element counts differ");
}

static void reshape_run(const ew_op *op, const ew_exec *ex) {
  float *x = X_PTR(0), *y = Y_PTR(0);
  if (x != y) memcpy(y, x, ex->m->tensors[op->out[0]].bytes);
}

const ew_op_adapter ew_adapter_reshape = {reshape_prepare, no_ws, reshape_run, free, 1};

static int softmax_prepare(ew_model *m, ew_op *op, const Edgewise__Plan__Op *po, ew_error *err) {
  int rc = unary(m, op, 0, err);
  if (rc) return rc;
  if (po->params_case != EDGEWISE__PLAN__OP__PARAMS_AXIS || po->axis->axis < 0 ||
      po->axis->axis >= T(0)->rank || !same_dims(T(0), Y(0)))
    return ew_op_fail(err, op, EW_ERR_INVALID, "needs AxisParams 0 <= axis < rank, equal dims");
  uint32_t axis = (uint32_t)po->axis->axis;
  return keep(op, &axis, 1, err);
}

static void softmax_run(const ew_op *op, const ew_exec *ex) {
  const ew_tensor *x = &ex->m->tensors[op->in[0]];
  int axis = (int)*(const uint32_t *)op->state;
  size_t outer = 1, inner = 1;
  for (int i = 0; i < axis; i++) outer *= x->dims[i];
  for (int i = axis + 1; i < x->rank; i++) inner *= x->dims[i];
  ew_softmax_f32(outer, x->dims[axis], inner, X_PTR(0), Y_PTR(0));
}

const ew_op_adapter ew_adapter_softmax = {softmax_prepare, no_ws, softmax_run, free, 0};

typedef struct lrn_state { int size; float alpha, beta, bias; } lrn_state;

static int lrn_prepare(ew_model *m, ew_op *op, const Edgewise__Plan__Op *po, ew_error *err) {
  int rc = unary(m, op, 0, err);
  if (rc) return rc;
  if (po->params_case != EDGEWISE__PLAN__OP__PARAMS_LRN || po->lrn->size < 1 ||
      po->lrn->size > 4096 || T(0)->rank < 3 || !same_dims(T(0), Y(0)))
    return ew_op_fail(err, op, EW_ERR_INVALID, "needs LrnParams with size >= 1, [N,C,...] dims");
  lrn_state *st = malloc(sizeof(*st));
  if (!st) return ew_op_fail(err, op, EW_ERR_NOMEM, "out of memory");
  *st = (lrn_state){(int)po->lrn->size, po->lrn->alpha, po->lrn->beta, po->lrn->bias};
  op->state = st;
  return EW_OK;
}

static void lrn_run(const ew_op *op, const ew_exec *ex) {
  const ew_tensor *x = &ex->m->tensors[op->in[0]];
  const lrn_state *st = op->state;
  size_t nc = (size_t)x->dims[0] * x->dims[1];
  ew_lrn_f32(x->dims[0], x->dims[1], x->elems / nc, st->size, st->alpha, st->beta, st->bias,
             X_PTR(0), Y_PTR(0));
}

const ew_op_adapter ew_adapter_lrn = {lrn_prepare, no_ws, lrn_run, free, 0};

typedef struct bn_state { const float *scale, *shift; } bn_state;

static const float *raw_blob(const ew_model *m, const Edgewise__Plan__BlobRef *ref, size_t n) {
  const Edgewise__Plan__Blob *b = ew_blob(m, ref);
  if (!b || b->layout != EDGEWISE__PLAN__LAYOUT__LAYOUT_RAW || b->data.len != n * 4) return NULL;
  return (const float *)(const void *)b->data.data;
}

static int bn_prepare(ew_model *m, ew_op *op, const Edgewise__Plan__Op *po, ew_error *err) {
  int rc = unary(m, op, 1, err);
  if (rc) return rc;
  if (T(0)->rank < 2 || !same_dims(T(0), Y(0)))
    return ew_op_fail(err, op, EW_ERR_INVALID, "needs [N,C,...] input and equal output dims");
  bn_state *st = malloc(sizeof(*st));
  if (!st) return ew_op_fail(err, op, EW_ERR_NOMEM, "out of memory");
  op->state = st;
  st->scale = raw_blob(m, po->weight, T(0)->dims[1]);
  st->shift = raw_blob(m, po->bias, T(0)->dims[1]);
  return need(op, st->scale && st->shift, err, "weight (scale) and bias (shift) must be "
              "LAYOUT_RAW blobs of C floats");
}

static void bn_run(const ew_op *op, const ew_exec *ex) {
  const ew_tensor *x = &ex->m->tensors[op->in[0]];
  const bn_state *st = op->state;
  size_t nc = (size_t)x->dims[0] * x->dims[1];
  ew_scale_shift_f32(x->dims[0], x->dims[1], x->elems / nc, st->scale, st->shift, &op->act,
                     X_PTR(0), Y_PTR(0));
}

const ew_op_adapter ew_adapter_batchnorm = {bn_prepare, no_ws, bn_run, free, 1};

static int kind_of(int kernel) {
  switch (kernel) {
    case EDGEWISE__PLAN__KERNEL_ID__RELU: return EW_ACT_RELU;
    case EDGEWISE__PLAN__KERNEL_ID__CLIP: return EW_ACT_CLIP;
    case EDGEWISE__PLAN__KERNEL_ID__LEAKYRELU: return EW_ACT_LEAKYRELU;
    case EDGEWISE__PLAN__KERNEL_ID__SIGMOID: return EW_ACT_SIGMOID;
    case EDGEWISE__PLAN__KERNEL_ID__HARDSIGMOID: return EW_ACT_HARDSIGMOID;
    case EDGEWISE__PLAN__KERNEL_ID__HARDSWISH: return EW_ACT_HARDSWISH;
    default: return EW_ACT_TANH;
  }
}

static int act_prepare(ew_model *m, ew_op *op, const Edgewise__Plan__Op *po, ew_error *err) {
  (void)po;
  int rc = ew_check_io(m, op, 1, 1, err), kind = kind_of(op->kernel);
  if (rc) return rc;
  if (op->act.kind != EW_ACT_NONE && op->act.kind != kind)
    return ew_op_fail(err, op, EW_ERR_INVALID, "activation kind %d contradicts the kernel",
                      op->act.kind);
  op->act.kind = kind;
  return need(op, T(0)->elems == Y(0)->elems, err, "element counts differ");
}

static void act_run(const ew_op *op, const ew_exec *ex) {
  float *x = X_PTR(0), *y = Y_PTR(0);
  size_t n = ex->m->tensors[op->out[0]].elems;
  if (x != y) memcpy(y, x, n * sizeof(float));
  ew_act_apply(&op->act, y, n);
}

const ew_op_adapter ew_adapter_activation = {act_prepare, no_ws, act_run, free, 1};
