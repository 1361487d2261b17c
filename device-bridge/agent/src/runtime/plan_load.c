/* Plan loading and validation. Every length, index and offset comes from an untrusted file:
 * each is checked against its bound before use, with arithmetic that cannot overflow, and a
 * failure names the element it concerns. Kernel-specific rules live in the op adapters. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

int ew_fail(ew_error *err, int code, const char *fmt, ...) {
  if (err) {
    va_list ap;
    va_start(ap, fmt);
    err->code = code;
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
  }
  return code;
}

int ew_op_fail(ew_error *err, const ew_op *op, int code, const char *fmt, ...) {
  if (err) {
    char detail[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    ew_fail(err, code, "op %zu '%s' (%s): %s", op->index, op->name, ew_kernel_name(op->kernel),
            detail);
  }
  return code;
}

const char *ew_status_name(int code) {
  switch (code) {
    case EW_OK: return "EW_OK";
    case EW_ERR_PARSE: return "EW_ERR_PARSE";
    case EW_ERR_FORMAT: return "EW_ERR_FORMAT";
    case EW_ERR_VERSION: return "EW_ERR_VERSION";
    case EW_ERR_INVALID: return "EW_ERR_INVALID";
    case EW_ERR_UNSUPPORTED: return "EW_ERR_UNSUPPORTED";
    case EW_ERR_NOMEM: return "EW_ERR_NOMEM";
    case EW_ERR_IO: return "EW_ERR_IO";
    case EW_ERR_ARG: return "EW_ERR_ARG";
    default: return "EW_ERR_UNKNOWN";
  }
}

const char *ew_kernel_name(int kernel) {
  const ProtobufCEnumValue *v =
      protobuf_c_enum_descriptor_get_value(&edgewise__plan__kernel_id__descriptor, kernel);
  return v ? v->name : "unknown kernel";
}

const ew_op_adapter *ew_adapter_for(int kernel) {
  switch (kernel) {
#define EW_OP(ID, ADAPTER) case EDGEWISE__PLAN__KERNEL_ID__##ID: return &ew_adapter_##ADAPTER;
#include "../kernels/kernels.inc"
    default: return NULL;
  }
}

/* a * b into *out, refusing results above EW_LIMIT_BYTES (and so any overflow) */
static int mul_checked(uint64_t a, uint64_t b, uint64_t *out) {
  if (a != 0 && b > EW_LIMIT_BYTES / a) return -1;
  *out = a * b;
  return 0;
}

int ew_check_header_internal(const Edgewise__Plan__Plan *p, ew_error *err) {
  if (p->magic != EW_PLAN_MAGIC)
    return ew_fail(err, EW_ERR_FORMAT, "bad magic 0x%08x (expected 0x%08x 'EWPL')", p->magic,
                   EW_PLAN_MAGIC);
  if (p->format_version != EW_PLAN_FORMAT_VERSION)
    return ew_fail(err, EW_ERR_VERSION, "plan format version %u, this runtime reads %u",
                   p->format_version, EW_PLAN_FORMAT_VERSION);
  if (p->model_sha256.len != 0 && p->model_sha256.len != 32)
    return ew_fail(err, EW_ERR_INVALID, "model_sha256 has %zu bytes, needs 32 or 0",
                   p->model_sha256.len);
  if (p->arena_size > EW_LIMIT_BYTES)
    return ew_fail(err, EW_ERR_NOMEM, "arena_size %llu exceeds the 1 TiB limit",
                   (unsigned long long)p->arena_size);
  if (p->n_tensors > EW_LIMIT_TENSORS || p->n_ops > EW_LIMIT_OPS)
    return ew_fail(err, EW_ERR_INVALID, "%zu tensors / %zu ops exceed the limits", p->n_tensors,
                   p->n_ops);
  return EW_OK;
}

int ew_load_tensor_internal(ew_model *m, size_t i, ew_error *err) {
  const Edgewise__Plan__Tensor *pt = m->pb->tensors[i];
  ew_tensor *t = &m->tensors[i];
  t->name = pt->name;
  if (pt->id != i)
    return ew_fail(err, EW_ERR_INVALID, "tensor %zu '%s': id %u differs from its index", i,
                   pt->name, pt->id);
  uint64_t esize = pt->dtype == EDGEWISE__PLAN__DATA_TYPE__DT_F32 ? 4
                   : pt->dtype == EDGEWISE__PLAN__DATA_TYPE__DT_U8 ||
                     pt->dtype == EDGEWISE__PLAN__DATA_TYPE__DT_I8 ? 1 : 0;
  if (!esize)
    return ew_fail(err, EW_ERR_UNSUPPORTED, "tensor %zu '%s': dtype %d, tensors are DT_F32, "
                   "DT_U8 or DT_I8", i, pt->name, (int)pt->dtype);
  t->dtype = (int)pt->dtype;
  if (pt->n_dims > EW_MAX_DIMS)
    return ew_fail(err, EW_ERR_INVALID, "tensor %zu '%s': rank %zu > %d", i, pt->name, pt->n_dims,
                   EW_MAX_DIMS);
  uint64_t elems = 1;
  for (size_t d = 0; d < pt->n_dims; d++) {
    if (pt->dims[d] == 0 || mul_checked(elems, pt->dims[d], &elems))
      return ew_fail(err, EW_ERR_INVALID, "tensor %zu '%s': dim %zu = %u is zero or too large", i,
                     pt->name, d, pt->dims[d]);
    t->dims[d] = pt->dims[d];
  }
  t->rank = (int)pt->n_dims;
  uint64_t bytes;
  if (mul_checked(elems, esize, &bytes) || bytes != pt->byte_size)
    return ew_fail(err, EW_ERR_INVALID, "tensor %zu '%s': byte_size %llu, dims give %llu", i,
                   pt->name, (unsigned long long)pt->byte_size,
                   (unsigned long long)(elems * esize));
  t->elems = (size_t)elems;
  t->bytes = (size_t)bytes;
  t->storage = (int)pt->storage;
  if (t->storage == EW_STORAGE_ARENA) {
    if (pt->arena_offset % 16 || pt->arena_offset > m->arena_size ||
        bytes > m->arena_size - pt->arena_offset)
      return ew_fail(err, EW_ERR_INVALID,
                     "tensor %zu '%s': arena range [%llu, +%llu) not 16-aligned or outside arena "
                     "of %llu bytes", i, pt->name, (unsigned long long)pt->arena_offset,
                     (unsigned long long)bytes, (unsigned long long)m->arena_size);
    t->offset = pt->arena_offset;
    return EW_OK;
  }
  if (t->storage != EW_STORAGE_CONSTANT)
    return ew_fail(err, EW_ERR_INVALID, "tensor %zu '%s': storage %d unknown", i, pt->name,
                   t->storage);
  if (esize != 4)
    return ew_fail(err, EW_ERR_UNSUPPORTED, "tensor %zu '%s': constant tensors must be DT_F32", i,
                   pt->name);
  if (pt->blob_index >= m->pb->n_blobs)
    return ew_fail(err, EW_ERR_INVALID, "tensor %zu '%s': blob_index %u out of range (%zu blobs)",
                   i, pt->name, pt->blob_index, m->pb->n_blobs);
  const Edgewise__Plan__Blob *b = m->pb->blobs[pt->blob_index];
  if (b->dtype != EDGEWISE__PLAN__DATA_TYPE__DT_F32 || b->layout != EDGEWISE__PLAN__LAYOUT__LAYOUT_RAW ||
      b->data.len != bytes)
    return ew_fail(err, EW_ERR_INVALID, "tensor %zu '%s': blob %u must be DT_F32 LAYOUT_RAW of "
                   "%llu bytes (has %zu)", i, pt->name, pt->blob_index, (unsigned long long)bytes,
                   b->data.len);
  t->constant = (const float *)(const void *)b->data.data;
  return EW_OK;
}

const Edgewise__Plan__Blob *ew_blob(const ew_model *m, const Edgewise__Plan__BlobRef *ref) {
  if (!ref || ref->index >= m->pb->n_blobs) return NULL;
  const Edgewise__Plan__Blob *b = m->pb->blobs[ref->index];
  if (b->dtype != EDGEWISE__PLAN__DATA_TYPE__DT_F32 || b->data.len % 4) return NULL;
  return b;
}

int ew_check_io(const ew_model *m, const ew_op *op, size_t n_in, size_t n_out, ew_error *err) {
  if ((n_in && op->n_in != n_in) || (!n_in && op->n_in == 0))
    return ew_op_fail(err, op, EW_ERR_INVALID, "has %zu inputs, needs %zu", op->n_in, n_in);
  if ((n_out && op->n_out != n_out) || (!n_out && op->n_out == 0))
    return ew_op_fail(err, op, EW_ERR_INVALID, "has %zu outputs, needs %zu", op->n_out, n_out);
  (void)m;
  return EW_OK;
}

int ew_check_act(const ew_op *op, ew_error *err) {
  if (op->act.kind < 0 || op->act.kind >= EW_ACT_COUNT)
    return ew_op_fail(err, op, EW_ERR_UNSUPPORTED, "activation kind %d unknown", op->act.kind);
  return EW_OK;
}
