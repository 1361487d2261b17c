/* Op adapters for pooling, elementwise, data movement, normalization and activations. */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define T(i) (&m->tensors[op->in[i]])
#define Y(i) (&m->tensors[op->out[i]])
#define X_PTR(i) ew_tensor_ptr(ex, op->in[i])
#define Y_PTR(i) ew_tensor_ptr(ex, op->out[i])

static size_t no_ws(const ew_op *op, int nthreads) { (void)op; (void)nthreads; return 0; }

static int need(const ew_op *op, int ok, ew_error *err, const char *what) {
  return ok ? EW_OK : ew_op_fail(err, op, EW_ERR_INVALID, "%s", what);
}

static int no_act(const ew_op *op, ew_error *err) {
  return need(op, op->act.kind == EW_ACT_NONE, err, "this kernel has no fused activation");
}

/* ---- pooling ---- */
static int pool_prepare(ew_model *m, ew_op *op, const Edgewise__Plan__Op *po, ew_error *err) {
  int rc = ew_check_io(m, op, 1, 1, err);
  if (rc || (rc = no_act(op, err))) return rc;
  if (po->params_case != EDGEWISE__PLAN__OP__PARAMS_POOL)
    return ew_op_fail(err, op, EW_ERR_INVALID, "needs PoolParams");
  const Edgewise__Plan__PoolParams *p = po->pool;
  const ew_tensor *x = T(0), *y = Y(0);
  if (x->rank != 4 || y->rank != 4 || p->n_kernel_shape != 2 || (p->n_strides && p->n_strides != 2)
      || (p->n_pads && p->n_pads != 4) || (p->n_dilations && p->n_dilations != 2))
    return ew_op_fail(err, op, EW_ERR_INVALID, "needs NCHW tensors, kernel_shape[2], strides[2], "
                      "pads[4], dilations[2]");
  ew_pool_shape *s = calloc(1, sizeof(*s));
  if (!s) return ew_op_fail(err, op, EW_ERR_NOMEM, "out of memory");
  op->state = s;
  uint32_t k[14] = {x->dims[0], x->dims[1], x->dims[2], x->dims[3], p->kernel_shape[0],
                    p->kernel_shape[1], p->n_strides ? p->strides[0] : 1,
                    p->n_strides ? p->strides[1] : 1, p->n_dilations ? p->dilations[0] : 1,
                    p->n_dilations ? p->dilations[1] : 1, p->n_pads ? p->pads[0] : 0,
                    p->n_pads ? p->pads[1] : 0, p->n_pads ? p->pads[2] : 0,
                    p->n_pads ? p->pads[3] : 0};
  for (int i = 0; i < 14; i++)
    if (k[i] > (1u << 20)) return ew_op_fail(err, op, EW_ERR_INVALID, "pool param too large");
  *s = (ew_pool_shape){(int)k[0], (int)k[1], (int)k[2], (int)k[3], (int)k[4], (int)k[5],
                       (int)k[6], (int)k[7], (int)k[8], (int)k[9], (int)k[10], (int)k[11],
                       (int)k[12], (int)k[13], p->ceil_mode, p->count_include_pad, 0, 0};
  if (op->kernel == EDGEWISE__PLAN__KERNEL_ID__AVGPOOL && (s->dh != 1 || s->dw != 1))
    return ew_op_fail(err, op, EW_ERR_UNSUPPORTED, "AVGPOOL with dilations is not supported");
  if (ew_pool_shape_finish(s))
    return ew_op_fail(err, op, EW_ERR_INVALID, "impossible pooling window (pads must be < kernel)");
  uint32_t want[4] = {x->dims[0], x->dims[1], (uint32_t)s->oh, (uint32_t)s->ow};
  return need(op, !memcmp(want, y->dims, sizeof(want)), err, "output dims do not match params");
}

static void pool_run(const ew_op *op, const ew_exec *ex) {
  if (op->kernel == EDGEWISE__PLAN__KERNEL_ID__MAXPOOL) ew_maxpool_f32(op->state, X_PTR(0), Y_PTR(0));
  else ew_avgpool_f32(op->state, X_PTR(0), Y_PTR(0));
}

const ew_op_adapter ew_adapter_pool = {pool_prepare, no_ws, pool_run, free, 0};

static int gpool_prepare(ew_model *m, ew_op *op, const Edgewise__Plan__Op *po, ew_error *err) {
  (void)po;
  int rc = ew_check_io(m, op, 1, 1, err);
  if (rc || (rc = no_act(op, err))) return rc;
  const ew_tensor *x = T(0), *y = Y(0);
  return need(op, x->rank >= 3 && y->rank == x->rank && y->dims[0] == x->dims[0] &&
                  y->dims[1] == x->dims[1] && y->elems == (size_t)x->dims[0] * x->dims[1],
              err, "needs X [N,C,...] and Y [N,C,1,...]");
}

static void gpool_run(const ew_op *op, const ew_exec *ex) {
  const ew_tensor *x = &ex->m->tensors[op->in[0]];
  size_t nc = (size_t)x->dims[0] * x->dims[1];
  if (op->kernel == EDGEWISE__PLAN__KERNEL_ID__GLOBALAVGPOOL)
    ew_global_avgpool_f32(nc, x->elems / nc, X_PTR(0), Y_PTR(0));
  else
    ew_global_maxpool_f32(nc, x->elems / nc, X_PTR(0), Y_PTR(0));
}

const ew_op_adapter ew_adapter_global_pool = {gpool_prepare, no_ws, gpool_run, free, 0};

/* ---- Add / Mul ---- */
static int binary_prepare(ew_model *m, ew_op *op, const Edgewise__Plan__Op *po, ew_error *err) {
  (void)po;
  int rc = ew_check_io(m, op, 2, 1, err);
  if (rc) return rc;
  const ew_tensor *a = T(0), *b = T(1), *y = Y(0);
  return need(op, ew_binary_f32(NULL, 0, NULL, a->dims, a->rank, NULL, b->dims, b->rank, NULL,
                                y->dims, y->rank) == 0,
              err, "output dims are not the numpy broadcast of the inputs' dims");
}

static void binary_run(const ew_op *op, const ew_exec *ex) {
  const ew_tensor *a = &ex->m->tensors[op->in[0]], *b = &ex->m->tensors[op->in[1]];
  const ew_tensor *y = &ex->m->tensors[op->out[0]];
  int kind = op->kernel == EDGEWISE__PLAN__KERNEL_ID__ADD ? EW_BIN_ADD : EW_BIN_MUL;
  float *yp = Y_PTR(0);
  ew_binary_f32(ex->binary, kind, X_PTR(0), a->dims, a->rank, X_PTR(1), b->dims, b->rank, yp,
                y->dims, y->rank);
  ew_act_apply(&op->act, yp, y->elems);
}

const ew_op_adapter ew_adapter_binary = {binary_prepare, no_ws, binary_run, free, 1};

/* ---- Concat / Split ---- */
static int axis_of(const ew_op *op, const Edgewise__Plan__Op *po, int rank, int *axis,
                   ew_error *err) {
  if (po->params_case != EDGEWISE__PLAN__OP__PARAMS_AXIS || po->axis->axis < 0 ||
      po->axis->axis >= rank)
    return ew_op_fail(err, op, EW_ERR_INVALID, "needs AxisParams with 0 <= axis < %d", rank);
  *axis = po->axis->axis;
  return EW_OK;
}

static size_t span(const ew_tensor *t, int from, int to) {
  size_t p = 1;
  for (int i = from; i < to; i++) p *= t->dims[i];
  return p;
}

/* the n parts (ins of concat, outs of split) against the whole, along axis */
static int parts_match(const ew_model *m, const ew_op *op, const uint32_t *ids, size_t n,
                       const ew_tensor *whole, int axis, ew_error *err) {
  uint64_t sum = 0;
  for (size_t i = 0; i < n; i++) {
    const ew_tensor *t = &m->tensors[ids[i]];
    if (t->rank != whole->rank)
      return ew_op_fail(err, op, EW_ERR_INVALID, "part %zu has rank %d, needs %d", i, t->rank, whole->rank);
    for (int d = 0; d < t->rank; d++)
      if (d != axis && t->dims[d] != whole->dims[d])
        return ew_op_fail(err, op, EW_ERR_INVALID, "part %zu differs in dim %d", i, d);
    sum += t->dims[axis];
  }
  return need(op, sum == whole->dims[axis], err, "parts do not sum to the whole along axis");
}

typedef struct axis_state { int axis; } axis_state;

static int concat_prepare(ew_model *m, ew_op *op, const Edgewise__Plan__Op *po, ew_error *err) {
  int rc = ew_check_io(m, op, 0, 1, err), axis = 0;
  if (rc || (rc = no_act(op, err)) || (rc = axis_of(op, po, Y(0)->rank, &axis, err))) return rc;
  axis_state *st = malloc(sizeof(*st));
  if (!st) return ew_op_fail(err, op, EW_ERR_NOMEM, "out of memory");
  st->axis = axis;
  op->state = st;
  return parts_match(m, op, op->in, op->n_in, Y(0), axis, err);
}

static int split_prepare(ew_model *m, ew_op *op, const Edgewise__Plan__Op *po, ew_error *err) {
  int rc = ew_check_io(m, op, 1, 0, err), axis = 0;
  if (rc || (rc = no_act(op, err)) || (rc = axis_of(op, po, T(0)->rank, &axis, err))) return rc;
  axis_state *st = malloc(sizeof(*st));
  if (!st) return ew_op_fail(err, op, EW_ERR_NOMEM, "out of memory");
  st->axis = axis;
  op->state = st;
  return parts_match(m, op, op->out, op->n_out, T(0), axis, err);
}

#define MAX_PARTS 64
static void concat_split_run(const ew_op *op, const ew_exec *ex, int concat) {
  const ew_model *m = ex->m;
  int axis = ((const axis_state *)op->state)->axis;
  const ew_tensor *whole = concat ? Y(0) : T(0);
  const uint32_t *ids = concat ? op->in : op->out;
  size_t n = concat ? op->n_in : op->n_out;
  size_t outer = span(whole, 0, axis), inner = span(whole, axis + 1, whole->rank);
  for (size_t base = 0; base < n; base += MAX_PARTS) {
    /* parts beyond MAX_PARTS go in further passes; the outer loop then is the batch slice */
    size_t k = n - base < MAX_PARTS ? n - base : MAX_PARTS, off = 0;
    for (size_t i = 0; i < base; i++) off += m->tensors[ids[i]].dims[axis];
    size_t dims[MAX_PARTS], total = 0;
    float *ptrs[MAX_PARTS];
    for (size_t i = 0; i < k; i++) {
      dims[i] = m->tensors[ids[base + i]].dims[axis];
      ptrs[i] = ew_tensor_ptr(ex, ids[base + i]);
      total += dims[i];
    }
    float *w = concat ? Y_PTR(0) : X_PTR(0);
    size_t wa = whole->dims[axis];
    for (size_t o = 0; o < outer; o++) {
      float *slice = w + (o * wa + off) * inner;
      float *views[MAX_PARTS];
      for (size_t i = 0; i < k; i++) views[i] = ptrs[i] + o * dims[i] * inner;
      if (concat) ew_concat_f32(1, inner, k, (const float *const *)views, dims, slice);
      else ew_split_f32(1, inner, slice, k, views, dims);
    }
    (void)total;
  }
}

static void concat_run(const ew_op *op, const ew_exec *ex) { concat_split_run(op, ex, 1); }
static void split_run(const ew_op *op, const ew_exec *ex) { concat_split_run(op, ex, 0); }

const ew_op_adapter ew_adapter_concat = {concat_prepare, no_ws, concat_run, free, 0};
const ew_op_adapter ew_adapter_split = {split_prepare, no_ws, split_run, free, 0};
