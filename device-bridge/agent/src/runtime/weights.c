/* Weight blobs in fp16 storage and in LAYOUT_CSR: decoded once at load into what the kernels
 * read (fp32 values, CSR arrays). Every length is checked before anything is read. */
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "../kernels/f16.h"

const Edgewise__Plan__Blob *ew_weight_blob(const ew_model *m, const Edgewise__Plan__BlobRef *ref) {
  if (!ref || ref->index >= m->pb->n_blobs) return NULL;
  const Edgewise__Plan__Blob *b = m->pb->blobs[ref->index];
  if (b->dtype == EDGEWISE__PLAN__DATA_TYPE__DT_F32 && b->data.len % 4 == 0) return b;
  if (b->dtype == EDGEWISE__PLAN__DATA_TYPE__DT_F16 && b->data.len % 2 == 0) return b;
  return NULL;
}

size_t ew_blob_elem_size(const Edgewise__Plan__Blob *b) {
  return b->dtype == EDGEWISE__PLAN__DATA_TYPE__DT_F16 ? 2 : 4;
}

int ew_blob_floats(const Edgewise__Plan__Blob *b, const uint8_t *data, size_t n,
                   const float **out, float **owned) {
  *owned = NULL;
  if (b->dtype == EDGEWISE__PLAN__DATA_TYPE__DT_F32) {
    *out = (const float *)(const void *)data;
    return EW_OK;
  }
  *owned = malloc((n ? n : 1) * sizeof(float));
  if (!*owned) return EW_ERR_NOMEM;
  /* protobuf-c gives bytes fields malloc alignment: 2-byte loads are aligned */
  ew_f16_widen_f32_neon((const ew_f16 *)(const void *)data, *owned, n);
  *out = *owned;
  return EW_OK;
}

int ew_csr_load(const ew_model *m, const ew_op *op, const Edgewise__Plan__BlobRef *ref,
                size_t rows, size_t cols, ew_csr_owned *w, ew_error *err) {
  memset(w, 0, sizeof(*w));
  const Edgewise__Plan__Blob *b = ew_weight_blob(m, ref);
  if (!b) return ew_op_fail(err, op, EW_ERR_INVALID, "weight blob missing, out of range or not "
                            "DT_F32/DT_F16");
  size_t es = ew_blob_elem_size(b), len = b->data.len;
  const float *dense = NULL;
  float *wide = NULL;
  if (b->layout == EDGEWISE__PLAN__LAYOUT__LAYOUT_OI || b->layout == EDGEWISE__PLAN__LAYOUT__LAYOUT_OIHW) {
    /* canonical dense weights: compressed here, once */
    if (len != rows * cols * es)
      return ew_op_fail(err, op, EW_ERR_INVALID, "dense weight blob has %zu bytes, needs %zu",
                        len, rows * cols * es);
    if (ew_blob_floats(b, b->data.data, rows * cols, &dense, &wide))
      return ew_op_fail(err, op, EW_ERR_NOMEM, "no memory to widen fp16 weights");
    size_t nnz = ew_csr_count(rows, cols, dense);
    w->row_ptr = malloc((rows + 1) * sizeof(uint32_t));
    w->col = malloc((nnz ? nnz : 1) * sizeof(uint32_t));
    w->val = malloc((nnz ? nnz : 1) * sizeof(float));
    if (!w->row_ptr || !w->col || !w->val) {
      free(wide);
      return ew_op_fail(err, op, EW_ERR_NOMEM, "no memory for CSR weights");
    }
    ew_csr_from_dense(rows, cols, dense, w->row_ptr, w->col, w->val);
    free(wide);
    w->csr = (ew_csr){rows, cols, nnz, w->row_ptr, w->col, w->val};
    return EW_OK;
  }
  if (b->layout != EDGEWISE__PLAN__LAYOUT__LAYOUT_CSR)
    return ew_op_fail(err, op, EW_ERR_INVALID, "weight blob layout %d: needs LAYOUT_CSR, "
                      "LAYOUT_OI or LAYOUT_OIHW", (int)b->layout);
  size_t head = (rows + 1) * 4;
  if (len < head)
    return ew_op_fail(err, op, EW_ERR_INVALID, "CSR blob has %zu bytes, row_ptr alone needs %zu",
                      len, head);
  uint32_t *rp = malloc(head);
  if (!rp) return ew_op_fail(err, op, EW_ERR_NOMEM, "no memory for CSR weights");
  memcpy(rp, b->data.data, head); /* copies: the blob bytes need not be 4-byte aligned */
  w->row_ptr = rp;
  size_t nnz = rp[rows];
  if (nnz > rows * cols || len != head + nnz * (4 + es))
    return ew_op_fail(err, op, EW_ERR_INVALID, "CSR blob has %zu bytes; %zu rows and nnz %zu "
                      "need %zu (nnz <= %zu)", len, rows, nnz, head + nnz * (4 + es), rows * cols);
  w->col = malloc((nnz ? nnz : 1) * 4);
  if (!w->col) return ew_op_fail(err, op, EW_ERR_NOMEM, "no memory for CSR weights");
  memcpy(w->col, b->data.data + head, nnz * 4);
  const char *why = ew_csr_check(rows, cols, rp, w->col, nnz);
  if (why) return ew_op_fail(err, op, EW_ERR_INVALID, "CSR weights: %s", why);
  w->val = malloc((nnz ? nnz : 1) * sizeof(float));
  if (!w->val) return ew_op_fail(err, op, EW_ERR_NOMEM, "no memory for CSR weights");
  const uint8_t *vals = b->data.data + head + nnz * 4;
  if (es == 4) {
    memcpy(w->val, vals, nnz * 4);
  } else {
    ew_f16 *tmp = malloc((nnz ? nnz : 1) * 2);
    if (!tmp) return ew_op_fail(err, op, EW_ERR_NOMEM, "no memory for CSR weights");
    memcpy(tmp, vals, nnz * 2);
    ew_f16_widen_f32_neon(tmp, w->val, nnz);
    free(tmp);
  }
  w->csr = (ew_csr){rows, cols, nnz, w->row_ptr, w->col, w->val};
  return EW_OK;
}

void ew_csr_release(ew_csr_owned *w) {
  free(w->row_ptr);
  free(w->col);
  free(w->val);
  memset(w, 0, sizeof(*w));
}
