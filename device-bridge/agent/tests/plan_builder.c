#include "plan_builder.h"
#include <stdlib.h>
#include <string.h>
#include "kernels.h"

struct pbld {
  Edgewise__Plan__Plan plan;
  void **allocs;
  size_t n_allocs;
  uint64_t next_offset;
};

static void *keep(pbld *b, void *p) {
  b->allocs = realloc(b->allocs, (b->n_allocs + 1) * sizeof(void *));
  b->allocs[b->n_allocs++] = p;
  return p;
}
static void *zalloc(pbld *b, size_t n) { return keep(b, calloc(1, n ? n : 1)); }
static void *dup(pbld *b, const void *src, size_t n) {
  void *p = zalloc(b, n);
  if (n) memcpy(p, src, n);
  return p;
}
#define GROW(b, arr, n) (arr) = keep(b, realloc_copy((arr), (n), sizeof(*(arr))))
static void *realloc_copy(void *old, size_t n, size_t size) {
  void *p = calloc(n + 1, size);
  if (old && n) memcpy(p, old, n * size);
  return p;
}

pbld *pbld_new(void) {
  pbld *b = calloc(1, sizeof(*b));
  edgewise__plan__plan__init(&b->plan);
  b->plan.magic = 0x4C505745u;
  b->plan.format_version = 1;
  b->plan.compiler_version = "test plan_builder";
  b->plan.model_name = "tiny";
  return b;
}

void pbld_free(pbld *b) {
  for (size_t i = 0; i < b->n_allocs; i++) free(b->allocs[i]);
  free(b->allocs);
  free(b);
}

Edgewise__Plan__Plan *pbld_plan(pbld *b) { return &b->plan; }

static Edgewise__Plan__Tensor *new_tensor(pbld *b, const char *name, int rank,
                                          const uint32_t *dims) {
  Edgewise__Plan__Tensor *t = zalloc(b, sizeof(*t));
  edgewise__plan__tensor__init(t);
  t->id = (uint32_t)b->plan.n_tensors;
  t->name = dup(b, name, strlen(name) + 1);
  t->dtype = EDGEWISE__PLAN__DATA_TYPE__DT_F32;
  t->n_dims = (size_t)rank;
  t->dims = dup(b, dims, sizeof(uint32_t) * (size_t)rank);
  uint64_t e = 1;
  for (int i = 0; i < rank; i++) e *= dims[i];
  t->byte_size = e * 4;
  GROW(b, b->plan.tensors, b->plan.n_tensors);
  b->plan.tensors[b->plan.n_tensors++] = t;
  return t;
}

uint32_t pbld_tensor(pbld *b, const char *name, int rank, const uint32_t *dims) {
  Edgewise__Plan__Tensor *t = new_tensor(b, name, rank, dims);
  t->storage = EDGEWISE__PLAN__STORAGE__STORAGE_ARENA;
  t->arena_offset = b->next_offset;
  b->next_offset += (t->byte_size + 63) / 64 * 64;
  b->plan.arena_size = b->next_offset;
  return t->id;
}

uint32_t pbld_blob(pbld *b, const float *data, size_t n, int layout) {
  Edgewise__Plan__Blob *bl = zalloc(b, sizeof(*bl));
  edgewise__plan__blob__init(bl);
  bl->data.len = n * 4;
  bl->data.data = dup(b, data, n * 4);
  bl->layout = (Edgewise__Plan__Layout)layout;
  bl->dtype = EDGEWISE__PLAN__DATA_TYPE__DT_F32;
  GROW(b, b->plan.blobs, b->plan.n_blobs);
  b->plan.blobs[b->plan.n_blobs] = bl;
  return (uint32_t)b->plan.n_blobs++;
}

uint32_t pbld_blob_raw(pbld *b, const void *data, size_t len, int layout, int dtype) {
  uint32_t id = pbld_blob(b, NULL, 0, layout);
  Edgewise__Plan__Blob *bl = b->plan.blobs[id];
  bl->data.len = len;
  bl->data.data = dup(b, data, len);
  bl->dtype = (Edgewise__Plan__DataType)dtype;
  return id;
}

uint32_t pbld_const(pbld *b, const char *name, int rank, const uint32_t *dims, const float *data) {
  Edgewise__Plan__Tensor *t = new_tensor(b, name, rank, dims);
  t->storage = EDGEWISE__PLAN__STORAGE__STORAGE_CONSTANT;
  t->blob_index = pbld_blob(b, data, t->byte_size / 4, EDGEWISE__PLAN__LAYOUT__LAYOUT_RAW);
  return t->id;
}

Edgewise__Plan__Op *pbld_op(pbld *b, int kernel, const char *name, size_t n_in,
                            const uint32_t *in, size_t n_out, const uint32_t *out) {
  Edgewise__Plan__Op *op = zalloc(b, sizeof(*op));
  edgewise__plan__op__init(op);
  op->kernel = (Edgewise__Plan__KernelId)kernel;
  op->name = dup(b, name, strlen(name) + 1);
  op->n_inputs = n_in;
  op->inputs = dup(b, in, n_in * sizeof(uint32_t));
  op->n_outputs = n_out;
  op->outputs = dup(b, out, n_out * sizeof(uint32_t));
  GROW(b, b->plan.ops, b->plan.n_ops);
  b->plan.ops[b->plan.n_ops++] = op;
  return op;
}

static uint32_t *u32s(pbld *b, size_t n, uint32_t v) {
  uint32_t *p = zalloc(b, n * sizeof(uint32_t));
  for (size_t i = 0; i < n; i++) p[i] = v;
  return p;
}

void pbld_conv(pbld *b, Edgewise__Plan__Op *op, int kh, int kw, int s, int d, int pad, int group,
               int m) {
  Edgewise__Plan__ConvParams *c = zalloc(b, sizeof(*c));
  edgewise__plan__conv_params__init(c);
  c->n_kernel_shape = 2;
  c->kernel_shape = u32s(b, 2, (uint32_t)kh);
  c->kernel_shape[1] = (uint32_t)kw;
  c->n_strides = 2; c->strides = u32s(b, 2, (uint32_t)s);
  c->n_dilations = 2; c->dilations = u32s(b, 2, (uint32_t)d);
  c->n_pads = 4; c->pads = u32s(b, 4, (uint32_t)pad);
  c->group = (uint32_t)group;
  c->out_channels = (uint32_t)m;
  op->params_case = EDGEWISE__PLAN__OP__PARAMS_CONV;
  op->conv = c;
}

void pbld_pool(pbld *b, Edgewise__Plan__Op *op, int k, int s, int pad, int ceil_mode) {
  Edgewise__Plan__PoolParams *p = zalloc(b, sizeof(*p));
  edgewise__plan__pool_params__init(p);
  p->n_kernel_shape = 2; p->kernel_shape = u32s(b, 2, (uint32_t)k);
  p->n_strides = 2; p->strides = u32s(b, 2, (uint32_t)s);
  p->n_pads = 4; p->pads = u32s(b, 4, (uint32_t)pad);
  p->ceil_mode = ceil_mode;
  op->params_case = EDGEWISE__PLAN__OP__PARAMS_POOL;
  op->pool = p;
}

void pbld_axis(pbld *b, Edgewise__Plan__Op *op, int axis) {
  Edgewise__Plan__AxisParams *a = zalloc(b, sizeof(*a));
  edgewise__plan__axis_params__init(a);
  a->axis = axis;
  op->params_case = EDGEWISE__PLAN__OP__PARAMS_AXIS;
  op->axis = a;
}

void pbld_weights(pbld *b, Edgewise__Plan__Op *op, uint32_t weight, int has_bias, uint32_t bias) {
  op->weight = zalloc(b, sizeof(*op->weight));
  edgewise__plan__blob_ref__init(op->weight);
  op->weight->index = weight;
  if (has_bias) {
    op->bias = zalloc(b, sizeof(*op->bias));
    edgewise__plan__blob_ref__init(op->bias);
    op->bias->index = bias;
  }
}

void pbld_act(pbld *b, Edgewise__Plan__Op *op, int kind, float alpha, float beta) {
  op->activation = zalloc(b, sizeof(*op->activation));
  edgewise__plan__activation__init(op->activation);
  op->activation->kind = (Edgewise__Plan__ActivationKind)kind;
  op->activation->alpha = alpha;
  op->activation->beta = beta;
}

void pbld_io(pbld *b, uint32_t input, uint32_t output) {
  GROW(b, b->plan.inputs, b->plan.n_inputs);
  b->plan.inputs[b->plan.n_inputs++] = input;
  GROW(b, b->plan.outputs, b->plan.n_outputs);
  b->plan.outputs[b->plan.n_outputs++] = output;
}

uint8_t *pbld_pack(pbld *b, size_t *len) {
  *len = edgewise__plan__plan__get_packed_size(&b->plan);
  uint8_t *buf = malloc(*len ? *len : 1);
  edgewise__plan__plan__pack(&b->plan, buf);
  return buf;
}
