/* Op adapters for the sparse kernels GEMM_CSR and CONV1X1_CSR: the contracts of GEMM and
 * CONV1X1_SGEMM, with weights as CSR (a LAYOUT_CSR blob, or dense OI/OIHW compressed here). */
#include <stdlib.h>
#include "internal.h"

typedef struct csr_state {
  ew_csr_owned w;
  size_t batch, hw; /* conv: images, pixels per image; FC: batch */
  const float *bias;
} csr_state;

static void csr_destroy(void *state) {
  csr_state *st = state;
  if (st) ew_csr_release(&st->w);
  free(st);
}

static int csr_bias(const ew_model *m, const ew_op *op, const Edgewise__Plan__BlobRef *ref,
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

static csr_state *new_state(ew_op *op) {
  csr_state *st = calloc(1, sizeof(*st));
  op->state = st;
  return st;
}

static int gemm_csr_prepare(ew_model *m, ew_op *op, const Edgewise__Plan__Op *po, ew_error *err) {
  int rc = ew_check_io(m, op, 1, 1, err);
  if (rc) return rc;
  csr_state *st = new_state(op);
  if (!st) return ew_op_fail(err, op, EW_ERR_NOMEM, "out of memory");
  const ew_tensor *x = &m->tensors[op->in[0]], *y = &m->tensors[op->out[0]];
  if (x->rank < 1 || y->rank != 2 || x->dims[0] != y->dims[0])
    return ew_op_fail(err, op, EW_ERR_INVALID, "needs X [B, ...] and Y [B, N]");
  st->batch = x->dims[0];
  size_t K = x->elems / st->batch, N = y->dims[1];
  if ((rc = csr_bias(m, op, po->bias, N, &st->bias, err))) return rc;
  return ew_csr_load(m, op, po->weight, N, K, &st->w, err);
}

static void gemm_csr_run(const ew_op *op, const ew_exec *ex) {
  const csr_state *st = op->state;
  ew_fc_csr_f32(ex->sparse, &st->w.csr, st->batch, ew_tensor_ptr(ex, op->in[0]), st->bias,
                &op->act, ew_tensor_ptr(ex, op->out[0]), ex->pool);
}

static int all_equal(const uint32_t *v, size_t n, size_t want, uint32_t value) {
  if (n == 0) return 1;
  if (n != want) return 0;
  for (size_t i = 0; i < n; i++)
    if (v[i] != value) return 0;
  return 1;
}

static int conv1x1_csr_prepare(ew_model *m, ew_op *op, const Edgewise__Plan__Op *po,
                               ew_error *err) {
  int rc = ew_check_io(m, op, 1, 1, err);
  if (rc) return rc;
  csr_state *st = new_state(op);
  if (!st) return ew_op_fail(err, op, EW_ERR_NOMEM, "out of memory");
  if (po->params_case != EDGEWISE__PLAN__OP__PARAMS_CONV)
    return ew_op_fail(err, op, EW_ERR_INVALID, "needs ConvParams");
  const Edgewise__Plan__ConvParams *p = po->conv;
  const ew_tensor *x = &m->tensors[op->in[0]], *y = &m->tensors[op->out[0]];
  if (x->rank != 4 || y->rank != 4)
    return ew_op_fail(err, op, EW_ERR_INVALID, "input rank %d / output rank %d, needs 4 (NCHW)",
                      x->rank, y->rank);
  if (p->n_kernel_shape != 2 || p->kernel_shape[0] != 1 || p->kernel_shape[1] != 1 ||
      !all_equal(p->strides, p->n_strides, 2, 1) || !all_equal(p->dilations, p->n_dilations, 2, 1) ||
      !all_equal(p->pads, p->n_pads, 4, 0) || p->group > 1)
    return ew_op_fail(err, op, EW_ERR_INVALID, "shape not valid for this kernel: needs a 1x1 "
                      "kernel, strides 1, pads 0, group 1");
  if (x->dims[0] != y->dims[0] || x->dims[2] != y->dims[2] || x->dims[3] != y->dims[3] ||
      (p->out_channels && p->out_channels != y->dims[1]))
    return ew_op_fail(err, op, EW_ERR_INVALID, "output dims [%u,%u,%u,%u] do not match a 1x1 "
                      "conv of input [%u,%u,%u,%u]", y->dims[0], y->dims[1], y->dims[2],
                      y->dims[3], x->dims[0], x->dims[1], x->dims[2], x->dims[3]);
  st->batch = x->dims[0];
  st->hw = (size_t)x->dims[2] * x->dims[3];
  size_t M = y->dims[1], C = x->dims[1];
  if ((rc = csr_bias(m, op, po->bias, M, &st->bias, err))) return rc;
  return ew_csr_load(m, op, po->weight, M, C, &st->w, err);
}

static void conv1x1_csr_run(const ew_op *op, const ew_exec *ex) {
  const csr_state *st = op->state;
  ew_conv1x1_csr_f32(ex->sparse, &st->w.csr, st->batch, st->hw, ew_tensor_ptr(ex, op->in[0]),
                     st->bias, &op->act, ew_tensor_ptr(ex, op->out[0]), ex->pool);
}

static size_t no_ws(const ew_op *op, int nthreads) {
  (void)op;
  (void)nthreads;
  return 0;
}

const ew_op_adapter ew_adapter_gemm_csr = {gemm_csr_prepare, no_ws, gemm_csr_run, csr_destroy, 0};
const ew_op_adapter ew_adapter_conv1x1_csr = {conv1x1_csr_prepare, no_ws, conv1x1_csr_run,
                                              csr_destroy, 0};
