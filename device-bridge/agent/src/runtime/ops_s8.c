/* Op adapters for the int8 kernels (CONV_IM2COL_S8GEMM, CONV1X1_S8GEMM, GEMM_S8) and the
 * precision boundaries (QUANTIZE, DEQUANTIZE). Prepare validates dtypes and QuantParams, packs
 * the int8 weights once and folds bias, zero points and scales into per-channel rows. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define DT(x) EDGEWISE__PLAN__DATA_TYPE__DT_##x
#define KID(x) EDGEWISE__PLAN__KERNEL_ID__##x

static int qtype(int dtype) {
  return dtype == DT(U8) ? EW_QT_U8 : dtype == DT(I8) ? EW_QT_S8 : dtype == DT(F32) ? EW_QT_F32 : -1;
}

static int check_qparam(const ew_op *op, const char *what, float scale, int32_t zp, int type,
                        ew_error *err) {
  if (!(isfinite(scale) && scale > 0))
    return ew_op_fail(err, op, EW_ERR_INVALID, "%s scale %g must be finite and > 0", what, scale);
  if ((type == EW_QT_U8 && (zp < 0 || zp > 255)) || (type == EW_QT_S8 && (zp < -128 || zp > 127)))
    return ew_op_fail(err, op, EW_ERR_INVALID, "%s zero point %d outside its type's range", what, zp);
  return EW_OK;
}

int ew_kernel_takes_int8(int kernel) {
  return kernel == KID(CONV_IM2COL_S8GEMM) || kernel == KID(CONV1X1_S8GEMM) ||
         kernel == KID(GEMM_S8) || kernel == KID(QUANTIZE) || kernel == KID(DEQUANTIZE);
}

/* ---- QUANTIZE / DEQUANTIZE -------------------------------------------------------------- */
typedef struct qdq_state {
  size_t n;
  float scale;
  int32_t zp;
  int type; /* of the int8 side */
} qdq_state;

static int qdq_prepare(ew_model *m, ew_op *op, const Edgewise__Plan__Op *po, ew_error *err) {
  int rc = ew_check_io(m, op, 1, 1, err);
  if (rc) return rc;
  int quant = op->kernel == KID(QUANTIZE);
  const ew_tensor *x = &m->tensors[op->in[0]], *y = &m->tensors[op->out[0]];
  const ew_tensor *f = quant ? x : y, *q = quant ? y : x;
  if (f->dtype != DT(F32) || qtype(q->dtype) < EW_QT_U8)
    return ew_op_fail(err, op, EW_ERR_INVALID, "needs %s", quant ? "DT_F32 -> DT_U8/DT_I8"
                      : "DT_U8/DT_I8 -> DT_F32");
  if (x->elems != y->elems)
    return ew_op_fail(err, op, EW_ERR_INVALID, "input has %zu elements, output %zu", x->elems,
                      y->elems);
  if (!po->quant) return ew_op_fail(err, op, EW_ERR_INVALID, "needs QuantParams");
  if (op->act.kind != EW_ACT_NONE)
    return ew_op_fail(err, op, EW_ERR_INVALID, "takes no fused activation");
  qdq_state *st = calloc(1, sizeof(*st));
  if (!st) return ew_op_fail(err, op, EW_ERR_NOMEM, "out of memory");
  op->state = st;
  st->n = x->elems;
  st->type = qtype(q->dtype);
  st->scale = quant ? po->quant->output_scale : po->quant->input_scale;
  st->zp = quant ? po->quant->output_zero_point : po->quant->input_zero_point;
  return check_qparam(op, quant ? "output" : "input", st->scale, st->zp, st->type, err);
}

static size_t no_ws(const ew_op *op, int nthreads) { (void)op; (void)nthreads; return 0; }

static void quantize_run(const ew_op *op, const ew_exec *ex) {
  const qdq_state *st = op->state;
  ex->qgemm->quantize(ew_tensor_ptr(ex, op->in[0]), st->n, st->scale, st->zp, st->type,
                      ew_tensor_ptr(ex, op->out[0]));
}

static void dequantize_run(const ew_op *op, const ew_exec *ex) {
  const qdq_state *st = op->state;
  ex->qgemm->dequantize(ew_tensor_ptr(ex, op->in[0]), st->n, st->scale, st->zp, st->type,
                        ew_tensor_ptr(ex, op->out[0]));
}

const ew_op_adapter ew_adapter_quantize = {qdq_prepare, no_ws, quantize_run, free, 0};
const ew_op_adapter ew_adapter_dequantize = {qdq_prepare, no_ws, dequantize_run, free, 0};

/* ---- shared by the int8 conv and fully connected adapters ---------------------------------- */
typedef struct qlayer {
  size_t M, K, groups;     /* output channels, depth per group, groups */
  int in_type, out_type;
  int8_t *w;               /* packed, groups x ew_qpack_a_bytes(M / groups, K) */
  int pairs_safe;
  int32_t *corr;
  float *mult, *add;
  ew_qrows rows;
  uint8_t flip, pad;
  ew_conv_shape s;         /* convolutions */
  size_t B;                /* fully connected: batch */
} qlayer;

static void qlayer_destroy(void *state) {
  qlayer *l = state;
  if (l) { free(l->w); free(l->corr); free(l->mult); free(l->add); }
  free(l);
}

static int qweights(const ew_model *m, ew_op *op, const Edgewise__Plan__Op *po, qlayer *l,
                    int canonical_layout, int32_t *rowsum, ew_error *err) {
  const Edgewise__Plan__Blob *b = po->weight && po->weight->index < m->pb->n_blobs
                                      ? m->pb->blobs[po->weight->index] : NULL;
  size_t Mg = l->M / l->groups, per = ew_qpack_a_bytes(Mg, l->K);
  if (!b || b->dtype != DT(I8))
    return ew_op_fail(err, op, EW_ERR_INVALID, "weight blob missing, out of range or not DT_I8");
  l->w = malloc(per * l->groups);
  if (!l->w) return ew_op_fail(err, op, EW_ERR_NOMEM, "no memory for packed weights");
  if ((int)b->layout == canonical_layout && b->data.len == l->M * l->K) {
    l->pairs_safe = 1;
    for (size_t g = 0; g < l->groups; g++)
      l->pairs_safe &= ew_qpack_a_s8(Mg, l->K, (const int8_t *)b->data.data + g * Mg * l->K, l->K,
                                     l->w + g * per, rowsum + g * Mg);
    return EW_OK;
  }
  if (b->layout == EDGEWISE__PLAN__LAYOUT__LAYOUT_GEMM_A_S8_MR8K4 && b->data.len == per * l->groups) {
    memcpy(l->w, b->data.data, b->data.len);
    l->pairs_safe = 1;
    for (size_t g = 0; g < l->groups; g++)
      l->pairs_safe &= ew_qpacked_a_stats(Mg, l->K, l->w + g * per, rowsum + g * Mg);
    return EW_OK;
  }
  return ew_op_fail(err, op, EW_ERR_INVALID, "weight blob layout %d with %zu bytes: needs the "
                    "canonical layout (%zu bytes) or LAYOUT_GEMM_A_S8_MR8K4 (%zu bytes)",
                    (int)b->layout, b->data.len, l->M * l->K, per * l->groups);
}

/* output clamp in the epilogue's units, narrowed by a fused Relu / Clip */
static void qclamp(const ew_op *op, const qlayer *l, float sy, int32_t zy, float *lo, float *hi) {
  double a = -DBL_MAX, b = DBL_MAX;
  if (op->act.kind == EW_ACT_RELU) a = 0;
  if (op->act.kind == EW_ACT_CLIP) { a = op->act.alpha; b = op->act.beta; }
  if (l->out_type == EW_QT_F32) {
    *lo = a < -FLT_MAX ? -FLT_MAX : (float)a;
    *hi = b > FLT_MAX ? FLT_MAX : (float)b;
    return;
  }
  double qmin = (l->out_type == EW_QT_U8 ? 0 : -128) - zy, qmax = (l->out_type == EW_QT_U8 ? 255 : 127) - zy;
  double ra = nearbyint(a / sy), rb = nearbyint(b / sy);
  *lo = (float)(ra > qmin ? (ra < qmax ? ra : qmax) : qmin);
  *hi = (float)(rb < qmax ? (rb > *lo ? rb : *lo) : qmax);
}

static int qbias(const ew_model *m, ew_op *op, const Edgewise__Plan__Op *po, size_t M,
                 const float **bf, const int32_t **bi, ew_error *err) {
  *bf = NULL;
  *bi = NULL;
  if (!po->bias) return EW_OK;
  const Edgewise__Plan__Blob *b = po->bias->index < m->pb->n_blobs ? m->pb->blobs[po->bias->index] : NULL;
  if (b && b->layout == EDGEWISE__PLAN__LAYOUT__LAYOUT_RAW && b->data.len == M * 4) {
    if (b->dtype == DT(F32)) { *bf = (const float *)(const void *)b->data.data; return EW_OK; }
    if (b->dtype == DT(I32)) { *bi = (const int32_t *)(const void *)b->data.data; return EW_OK; }
  }
  return ew_op_fail(err, op, EW_ERR_INVALID, "bias blob must be LAYOUT_RAW of %zu DT_F32 or DT_I32 "
                    "values", M);
}

/* Checks dtypes and QuantParams, packs weights, builds the requantization rows. */
static int qlayer_prepare(const ew_model *m, ew_op *op, const Edgewise__Plan__Op *po, qlayer *l,
                          int canonical_layout, ew_error *err) {
  const Edgewise__Plan__QuantParams *qp = po->quant;
  l->in_type = qtype(m->tensors[op->in[0]].dtype);
  l->out_type = qtype(m->tensors[op->out[0]].dtype);
  if (l->in_type < EW_QT_U8 || l->out_type < 0)
    return ew_op_fail(err, op, EW_ERR_INVALID, "input must be DT_U8/DT_I8, output DT_F32/DT_U8/DT_I8");
  if (!qp) return ew_op_fail(err, op, EW_ERR_INVALID, "needs QuantParams");
  if (op->act.kind != EW_ACT_NONE && op->act.kind != EW_ACT_RELU && op->act.kind != EW_ACT_CLIP)
    return ew_op_fail(err, op, EW_ERR_UNSUPPORTED, "int8 kernels fuse only RELU and CLIP");
  if (l->K == 0 || l->K > EW_QGEMM_MAX_K)
    return ew_op_fail(err, op, EW_ERR_UNSUPPORTED, "depth K = %zu outside 1..%d", l->K, EW_QGEMM_MAX_K);
  int rc = check_qparam(op, "input", qp->input_scale, qp->input_zero_point, l->in_type, err);
  if (!rc && l->out_type != EW_QT_F32)
    rc = check_qparam(op, "output", qp->output_scale, qp->output_zero_point, l->out_type, err);
  if (rc) return rc;
  if (qp->n_weight_scales != 1 && qp->n_weight_scales != l->M)
    return ew_op_fail(err, op, EW_ERR_INVALID, "%zu weight scales, needs 1 or %zu", qp->n_weight_scales, l->M);
  const float *bf;
  const int32_t *bi;
  int32_t *rowsum = malloc(l->M * 4);
  l->corr = malloc(l->M * 4);
  l->mult = malloc(l->M * 4);
  l->add = malloc(l->M * 4);
  if (!rowsum || !l->corr || !l->mult || !l->add) { free(rowsum); return ew_op_fail(err, op, EW_ERR_NOMEM, "out of memory"); }
  if ((rc = qbias(m, op, po, l->M, &bf, &bi, err)) || (rc = qweights(m, op, po, l, canonical_layout, rowsum, err))) {
    free(rowsum);
    return rc;
  }
  l->flip = l->in_type == EW_QT_U8 ? 0x80 : 0;
  l->pad = (uint8_t)qp->input_zero_point;
  int32_t zx = qp->input_zero_point - (l->in_type == EW_QT_U8 ? 128 : 0);
  int quant_out = l->out_type != EW_QT_F32;
  float sy = quant_out ? qp->output_scale : 1.0f;
  for (size_t c = 0; c < l->M && !rc; c++) {
    float sw = qp->weight_scales[qp->n_weight_scales == 1 ? 0 : c];
    int64_t corr = (bi ? bi[c] : 0) - (int64_t)zx * rowsum[c];
    /* a negative scale is a folded BatchNormalization with a negative gamma: the formula holds */
    if (!(isfinite(sw) && sw != 0) || corr > (1 << 30) || corr < -(1 << 30))
      rc = ew_op_fail(err, op, EW_ERR_INVALID, "channel %zu: weight scale %g not finite and non-zero, "
                      "or bias correction %lld beyond 2^30", c, sw, (long long)corr);
    l->corr[c] = (int32_t)corr;
    l->mult[c] = quant_out ? qp->input_scale * sw / sy : qp->input_scale * sw;
    l->add[c] = bf ? (quant_out ? bf[c] / sy : bf[c]) : 0.0f;
  }
  free(rowsum);
  l->rows = (ew_qrows){l->corr, l->mult, l->add, l->out_type, quant_out ? qp->output_zero_point : 0, 0, 0};
  qclamp(op, l, sy, l->rows.zp, &l->rows.lo, &l->rows.hi);
  return rc;
}

/* ---- CONV_IM2COL_S8GEMM, CONV1X1_S8GEMM ---------------------------------------------------- */
static int qconv_prepare(ew_model *m, ew_op *op, const Edgewise__Plan__Op *po, ew_error *err) {
  int rc = ew_check_io(m, op, 1, 1, err);
  if (rc) return rc;
  if (po->params_case != EDGEWISE__PLAN__OP__PARAMS_CONV)
    return ew_op_fail(err, op, EW_ERR_INVALID, "needs ConvParams");
  qlayer *l = calloc(1, sizeof(*l));
  if (!l) return ew_op_fail(err, op, EW_ERR_NOMEM, "out of memory");
  op->state = l;
  if ((rc = ew_op_conv_shape(m, op, po->conv, &l->s, err))) return rc;
  const ew_conv_shape *s = &l->s;
  if (op->kernel == KID(CONV1X1_S8GEMM) &&
      (s->kh != 1 || s->kw != 1 || s->sh != 1 || s->sw != 1 || s->pt || s->pl || s->pb || s->pr))
    return ew_op_fail(err, op, EW_ERR_INVALID, "shape not valid for this kernel: needs 1x1, "
                      "stride 1, no padding");
  l->M = (size_t)s->m;
  l->groups = (size_t)s->group;
  l->K = (size_t)(s->c / s->group) * s->kh * s->kw;
  return qlayer_prepare(m, op, po, l, EDGEWISE__PLAN__LAYOUT__LAYOUT_OIHW, err);
}

static size_t qconv_ws(const ew_op *op, int nthreads) {
  const qlayer *l = op->state;
  return ((size_t)nthreads * ew_qgemm_scratch_bytes(l->K) + 3) / 4;
}

static void qconv_run(const ew_op *op, const ew_exec *ex) {
  const qlayer *l = op->state;
  ew_qconv_args a = {&l->s, (const uint8_t *)ew_tensor_ptr(ex, op->in[0]), l->flip, l->pad, l->w,
                     l->pairs_safe, &l->rows, ew_tensor_ptr(ex, op->out[0]), (int8_t *)ex->ws,
                     ex->pool, ex->qgemm};
  (op->kernel == KID(CONV1X1_S8GEMM) ? ew_qconv_1x1 : ew_qconv_im2col)(&a);
}

const ew_op_adapter ew_adapter_qconv = {qconv_prepare, qconv_ws, qconv_run, qlayer_destroy, 0};

/* ---- GEMM_S8 (fully connected): Y[B][N] = X[B][K] W^T ---------------------------------------- */
static int qgemm_prepare(ew_model *m, ew_op *op, const Edgewise__Plan__Op *po, ew_error *err) {
  int rc = ew_check_io(m, op, 1, 1, err);
  if (rc) return rc;
  const ew_tensor *x = &m->tensors[op->in[0]], *y = &m->tensors[op->out[0]];
  qlayer *l = calloc(1, sizeof(*l));
  if (!l) return ew_op_fail(err, op, EW_ERR_NOMEM, "out of memory");
  op->state = l;
  if (x->rank < 1 || y->rank != 2 || x->dims[0] != y->dims[0])
    return ew_op_fail(err, op, EW_ERR_INVALID, "needs X [B, ...] and Y [B, N]");
  l->B = x->dims[0];
  l->K = x->elems / l->B;
  l->M = y->dims[1];
  l->groups = 1;
  return qlayer_prepare(m, op, po, l, EDGEWISE__PLAN__LAYOUT__LAYOUT_OI, err);
}

static void qgemm_run(const ew_op *op, const ew_exec *ex) {
  const qlayer *l = op->state;
  /* weights are A (rows = outputs), the batch rows of X are the columns of B */
  ew_qb_matrix src = {(const uint8_t *)ew_tensor_ptr(ex, op->in[0]), l->K, l->B, 1, l->flip};
  ew_qgemm_problem p = {l->M, l->B, l->K, l->w, l->pairs_safe, ew_qpack_b_matrix, &src, &l->rows,
                        ew_tensor_ptr(ex, op->out[0]), 1, l->M};
  ew_qgemm(ex->qgemm, &p, ex->pool, (int8_t *)ex->ws);
}

const ew_op_adapter ew_adapter_qgemm = {qgemm_prepare, qconv_ws, qgemm_run, qlayer_destroy, 0};
