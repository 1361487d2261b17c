/* Runtime internals shared by the loader, the op adapters and the executor. */
#ifndef EW_INTERNAL_H
#define EW_INTERNAL_H
#include <stdarg.h>
#include "edgewise/rt.h"
#include "plan.pb-c.h"
#include "../kernels/kernels.h"
#include "../kernels/kernels_s8.h"
#include "threadpool.h"
#include "../kernels/f16.h"
#include "../kernels/sparse.h"

/* Sizes above these are refused before any allocation (a corrupt plan must not make us try). */
#define EW_LIMIT_BYTES ((uint64_t)1 << 40)
#define EW_LIMIT_TENSORS (1u << 20)
#define EW_LIMIT_OPS (1u << 20)

enum { EW_STORAGE_ARENA = 1, EW_STORAGE_CONSTANT = 2 };

typedef struct ew_tensor {
  const char *name;
  int rank;
  uint32_t dims[EW_MAX_DIMS];
  size_t elems, bytes;
  int storage;
  int dtype;              /* edgewise.plan.DataType: DT_F32, or DT_U8/DT_I8 (int8 kernels) */
  uint64_t offset;        /* arena */
  const float *constant;  /* constant */
} ew_tensor;

struct ew_op_adapter;

typedef struct ew_op {
  size_t index;
  int kernel;
  const char *name;
  const uint32_t *in, *out;
  size_t n_in, n_out;
  ew_act act;
  const struct ew_op_adapter *ad;
  void *state;            /* adapter-owned, freed by ad->destroy */
  int f16_ready;          /* allow_f16_arithmetic and the adapter prepared fp16 weights */
} ew_op;

struct ew_model {
  Edgewise__Plan__Plan *pb; /* owns names and blob bytes the tensors and ops point into */
  ew_tensor *tensors;
  size_t n_tensors;
  ew_op *ops;
  size_t n_ops;
  uint64_t arena_size;
};

typedef struct ew_exec {
  const ew_model *m;
  uint8_t *arena;
  float *ws;
  ew_pool *pool;
  const ew_gemm_ops *gemm;
  ew_binary_impl const *binary;
  const ew_qgemm_ops *qgemm; /* int8: SDOT, widening or scalar (ew_qgemm_ops_for_cpu) */
  const ew_sparse_ops *sparse;
  const ew_hgemm_ops *hgemm; /* NULL: ops allowing fp16 arithmetic compute in fp32 */
} ew_exec;

typedef struct ew_op_adapter {
  int (*prepare)(ew_model *m, ew_op *op, const Edgewise__Plan__Op *pb, ew_error *err);
  size_t (*workspace)(const ew_op *op, int nthreads); /* floats */
  void (*run)(const ew_op *op, const ew_exec *ex);
  void (*destroy)(void *state);
  int inplace; /* output may sit at exactly its input's offset */
} ew_op_adapter;

/* 1 for the kernels that take int8 tensors and check dtypes themselves (ops_s8.c); every other
 * kernel is given DT_F32 tensors only (checked at load). */
int ew_kernel_takes_int8(int kernel);

int ew_fail(ew_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "op 3 'conv1' (CONV_IM2COL_SGEMM)" */
int ew_op_fail(ew_error *err, const ew_op *op, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
const char *ew_kernel_name(int kernel);
const ew_op_adapter *ew_adapter_for(int kernel);

static inline float *ew_tensor_ptr(const ew_exec *ex, uint32_t id) {
  const ew_tensor *t = &ex->m->tensors[id];
  if (t->storage == EW_STORAGE_CONSTANT) return (float *)(uintptr_t)t->constant;
  return (float *)(void *)(ex->arena + t->offset);
}

int ew_check_header_internal(const Edgewise__Plan__Plan *p, ew_error *err);
int ew_load_tensor_internal(ew_model *m, size_t i, ew_error *err);

/* Blob access for adapters: checks index, dtype, layout membership and exact byte length. */
const Edgewise__Plan__Blob *ew_blob(const ew_model *m, const Edgewise__Plan__BlobRef *ref);
int ew_check_io(const ew_model *m, const ew_op *op, size_t n_in, size_t n_out, ew_error *err);
int ew_check_act(const ew_op *op, ew_error *err);

/* adapters, one per EW_OP line of kernels.inc */
#define EW_OP_ADAPTER_DECL(NAME) extern const ew_op_adapter ew_adapter_##NAME;
EW_OP_ADAPTER_DECL(conv)
EW_OP_ADAPTER_DECL(gemm)
EW_OP_ADAPTER_DECL(pool)
EW_OP_ADAPTER_DECL(global_pool)
EW_OP_ADAPTER_DECL(binary)
EW_OP_ADAPTER_DECL(concat)
EW_OP_ADAPTER_DECL(split)
EW_OP_ADAPTER_DECL(transpose)
EW_OP_ADAPTER_DECL(pad)
EW_OP_ADAPTER_DECL(reshape)
EW_OP_ADAPTER_DECL(softmax)
EW_OP_ADAPTER_DECL(lrn)
EW_OP_ADAPTER_DECL(batchnorm)
EW_OP_ADAPTER_DECL(activation)
EW_OP_ADAPTER_DECL(qconv)
EW_OP_ADAPTER_DECL(qgemm)
EW_OP_ADAPTER_DECL(quantize)
EW_OP_ADAPTER_DECL(dequantize)

/* ConvParams of op against its input/output dims (ops_conv.c), shared with the int8 convs */
int ew_op_conv_shape(const ew_model *m, const ew_op *op, const Edgewise__Plan__ConvParams *p,
                     ew_conv_shape *s, ew_error *err);
EW_OP_ADAPTER_DECL(gemm_csr)
EW_OP_ADAPTER_DECL(conv1x1_csr)

/* ---- fp16 weight storage and CSR weights (weights.c) ---- */
/* Like ew_blob, but also accepts DT_F16 (weights may be stored as fp16). */
const Edgewise__Plan__Blob *ew_weight_blob(const ew_model *m, const Edgewise__Plan__BlobRef *ref);
size_t ew_blob_elem_size(const Edgewise__Plan__Blob *b);
/* n elements of data as fp32: in place for DT_F32, widened into *owned (caller frees) for
 * DT_F16. Returns EW_OK or EW_ERR_NOMEM. */
int ew_blob_floats(const Edgewise__Plan__Blob *b, const uint8_t *data, size_t n,
                   const float **out, float **owned);
typedef struct ew_csr_owned {
  ew_csr csr;
  uint32_t *row_ptr, *col;
  float *val;
} ew_csr_owned;
/* rows x cols weights from a LAYOUT_CSR blob, or compressed from a dense OI/OIHW one. */
int ew_csr_load(const ew_model *m, const ew_op *op, const Edgewise__Plan__BlobRef *ref,
                size_t rows, size_t cols, ew_csr_owned *w, ew_error *err);
void ew_csr_release(ew_csr_owned *w);
/* 1 when op allows fp16 arithmetic and this session provides it (session.c) */
int ew_op_uses_f16(const ew_op *op, const ew_exec *ex);
#endif
