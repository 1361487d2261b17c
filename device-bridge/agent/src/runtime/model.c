/* ew_model: unpack, validate structure (ids, arena ranges, use before definition, overlaps),
 * let each op's adapter validate its parameters and prepare its weights once. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

static int load_op(ew_model *m, size_t i, ew_error *err) {
  const Edgewise__Plan__Op *po = m->pb->ops[i];
  ew_op *op = &m->ops[i];
  op->index = i;
  op->kernel = (int)po->kernel;
  op->name = po->name;
  op->in = po->inputs;
  op->n_in = po->n_inputs;
  op->out = po->outputs;
  op->n_out = po->n_outputs;
  op->ad = ew_adapter_for(op->kernel);
  if (!op->ad)
    return ew_fail(err, EW_ERR_UNSUPPORTED, "op %zu '%s': kernel id %d is not supported by this "
                   "runtime", i, po->name, op->kernel);
  for (size_t k = 0; k < op->n_in; k++)
    if (op->in[k] >= m->n_tensors)
      return ew_op_fail(err, op, EW_ERR_INVALID, "input %zu: tensor id %u out of range (%zu)", k,
                        op->in[k], m->n_tensors);
  for (size_t k = 0; k < op->n_out; k++) {
    if (op->out[k] >= m->n_tensors)
      return ew_op_fail(err, op, EW_ERR_INVALID, "output %zu: tensor id %u out of range (%zu)", k,
                        op->out[k], m->n_tensors);
    if (m->tensors[op->out[k]].storage != EW_STORAGE_ARENA)
      return ew_op_fail(err, op, EW_ERR_INVALID, "output %zu: tensor %u is not in the arena", k,
                        op->out[k]);
  }
  if (po->activation) {
    op->act.kind = (int)po->activation->kind;
    op->act.alpha = po->activation->alpha;
    op->act.beta = po->activation->beta;
  }
  for (size_t k = 0; !ew_kernel_takes_int8(op->kernel) && k < op->n_in + op->n_out; k++) {
    uint32_t id = k < op->n_in ? op->in[k] : op->out[k - op->n_in];
    if (m->tensors[id].dtype != EDGEWISE__PLAN__DATA_TYPE__DT_F32)
      return ew_op_fail(err, op, EW_ERR_INVALID, "tensor %u '%s' is not DT_F32 (only the int8 "
                        "kernels, QUANTIZE and DEQUANTIZE take int8 tensors)", id,
                        m->tensors[id].name);
  }
  int rc = ew_check_act(op, err);
  return rc ? rc : op->ad->prepare(m, op, po, err);
}

static int overlaps(const ew_tensor *a, const ew_tensor *b) {
  if (a->storage != EW_STORAGE_ARENA || b->storage != EW_STORAGE_ARENA) return 0;
  return a->offset < b->offset + b->bytes && b->offset < a->offset + a->bytes;
}

/* Outputs must not alias inputs (except exact in-place where the kernel allows it) or each
 * other: an aliasing kernel would read what it already overwrote. */
static int check_aliasing(const ew_model *m, const ew_op *op, ew_error *err) {
  for (size_t o = 0; o < op->n_out; o++) {
    const ew_tensor *y = &m->tensors[op->out[o]];
    for (size_t i = 0; i < op->n_in; i++) {
      const ew_tensor *x = &m->tensors[op->in[i]];
      if (!overlaps(x, y)) continue;
      if (op->ad->inplace && x->offset == y->offset && x->bytes == y->bytes) continue;
      return ew_op_fail(err, op, EW_ERR_INVALID, "output %zu overlaps input %zu in the arena", o,
                        i);
    }
    for (size_t p = o + 1; p < op->n_out; p++)
      if (overlaps(y, &m->tensors[op->out[p]]))
        return ew_op_fail(err, op, EW_ERR_INVALID, "outputs %zu and %zu overlap", o, p);
  }
  return EW_OK;
}

static int check_graph_io(const ew_model *m, const uint32_t *ids, size_t n, const char *what,
                          ew_error *err) {
  for (size_t i = 0; i < n; i++)
    if (ids[i] >= m->n_tensors || m->tensors[ids[i]].storage != EW_STORAGE_ARENA ||
        m->tensors[ids[i]].dtype != EDGEWISE__PLAN__DATA_TYPE__DT_F32)
      return ew_fail(err, EW_ERR_INVALID, "graph %s %zu: tensor id %u out of range, not in the "
                     "arena or not DT_F32 (quantize inside the plan)", what, i, ids[i]);
  return EW_OK;
}

/* Dataflow over the memory plan: an op may only read a tensor whose bytes still hold it, i.e.
 * a graph input, a constant or an earlier output that no later write to overlapping arena bytes
 * has clobbered; graph outputs must survive to the end. This catches memory-planner bugs at
 * load instead of as silently wrong results. */
static int clobber(const ew_model *m, const ew_op *op, uint32_t out, int *valid, size_t *by) {
  const ew_tensor *y = &m->tensors[out];
  /* a view at its source's offset writes nothing: every tensor over those bytes (the source and
   * its other views) stays valid */
  if (op->kernel == EDGEWISE__PLAN__KERNEL_ID__RESHAPE_VIEW && op->n_in == 1 &&
      m->tensors[op->in[0]].storage == EW_STORAGE_ARENA && m->tensors[op->in[0]].offset == y->offset) {
    valid[out] = 1;
    return EW_OK;
  }
  for (size_t t = 0; t < m->n_tensors; t++) {
    if (t == out || !overlaps(y, &m->tensors[t])) continue;
    valid[t] = 0;
    by[t] = op->index;
  }
  valid[out] = 1;
  return EW_OK;
}

static int check_dataflow(ew_model *m, ew_error *err) {
  if ((double)m->n_ops * (double)m->n_tensors > 1e9)
    return ew_fail(err, EW_ERR_UNSUPPORTED, "plan too large to validate (%zu ops x %zu tensors)",
                   m->n_ops, m->n_tensors);
  int *valid = calloc(m->n_tensors ? m->n_tensors : 1, sizeof(int));
  size_t *by = calloc(m->n_tensors ? m->n_tensors : 1, sizeof(size_t));
  if (!valid || !by) { free(valid); free(by); return ew_fail(err, EW_ERR_NOMEM, "out of memory"); }
  for (size_t t = 0; t < m->n_tensors; t++) {
    valid[t] = m->tensors[t].storage == EW_STORAGE_CONSTANT;
    by[t] = SIZE_MAX;
  }
  for (size_t i = 0; i < m->pb->n_inputs; i++) valid[m->pb->inputs[i]] = 1;
  int rc = EW_OK;
  for (size_t i = 0; i < m->n_ops && rc == EW_OK; i++) {
    const ew_op *op = &m->ops[i];
    for (size_t k = 0; k < op->n_in && rc == EW_OK; k++)
      if (!valid[op->in[k]])
        rc = by[op->in[k]] == SIZE_MAX
                 ? ew_op_fail(err, op, EW_ERR_INVALID, "input %zu (tensor %u) is used before "
                              "any op produces it", k, op->in[k])
                 : ew_op_fail(err, op, EW_ERR_INVALID, "input %zu (tensor %u) was overwritten "
                              "by op %zu (arena overlap)", k, op->in[k], by[op->in[k]]);
    for (size_t k = 0; k < op->n_out && rc == EW_OK; k++) rc = clobber(m, op, op->out[k], valid, by);
  }
  for (size_t i = 0; i < m->pb->n_outputs && rc == EW_OK; i++)
    if (!valid[m->pb->outputs[i]])
      rc = ew_fail(err, EW_ERR_INVALID, "graph output %zu (tensor %u) is %s", i,
                   m->pb->outputs[i], by[m->pb->outputs[i]] == SIZE_MAX ? "never produced"
                   : "overwritten before the end");
  free(valid);
  free(by);
  return rc;
}

static int validate(ew_model *m, ew_error *err) {
  int rc;
  m->arena_size = m->pb->arena_size;
  m->n_tensors = m->pb->n_tensors;
  m->n_ops = m->pb->n_ops;
  m->tensors = calloc(m->n_tensors ? m->n_tensors : 1, sizeof(ew_tensor));
  m->ops = calloc(m->n_ops ? m->n_ops : 1, sizeof(ew_op));
  if (!m->tensors || !m->ops) return ew_fail(err, EW_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < m->n_tensors; i++)
    if ((rc = ew_load_tensor_internal(m, i, err))) return rc;
  if ((rc = check_graph_io(m, m->pb->inputs, m->pb->n_inputs, "input", err)) ||
      (rc = check_graph_io(m, m->pb->outputs, m->pb->n_outputs, "output", err)))
    return rc;
  for (size_t i = 0; i < m->n_ops; i++) {
    if ((rc = load_op(m, i, err))) return rc;
    if ((rc = check_aliasing(m, &m->ops[i], err))) return rc;
  }
  return check_dataflow(m, err);
}

int ew_model_load(const void *data, size_t len, ew_model **out, ew_error *err) {
  if (!out || (!data && len)) return ew_fail(err, EW_ERR_ARG, "NULL argument");
  *out = NULL;
  ew_model *m = calloc(1, sizeof(*m));
  if (!m) return ew_fail(err, EW_ERR_NOMEM, "out of memory");
  m->pb = edgewise__plan__plan__unpack(NULL, len, data);
  if (!m->pb) {
    free(m);
    return ew_fail(err, EW_ERR_PARSE, "not a valid plan: protobuf decoding failed (%zu bytes; "
                   "truncated or corrupt)", len);
  }
  int rc = ew_check_header_internal(m->pb, err);
  if (!rc) rc = validate(m, err);
  if (rc) {
    ew_model_free(m);
    return rc;
  }
  if (err) { err->code = EW_OK; err->message[0] = 0; }
  *out = m;
  return EW_OK;
}

int ew_model_load_file(const char *path, ew_model **out, ew_error *err) {
  if (!path || !out) return ew_fail(err, EW_ERR_ARG, "NULL argument");
  FILE *f = fopen(path, "rb");
  if (!f) return ew_fail(err, EW_ERR_IO, "cannot open plan '%s'", path);
  size_t cap = 1 << 16, len = 0;
  unsigned char *buf = malloc(cap);
  while (buf) {
    len += fread(buf + len, 1, cap - len, f);
    if (len < cap) break;
    unsigned char *nb = cap < ((size_t)1 << 34) ? realloc(buf, cap * 2) : NULL;
    if (!nb) { free(buf); buf = NULL; break; }
    buf = nb;
    cap *= 2;
  }
  int bad = ferror(f);
  fclose(f);
  if (!buf) return ew_fail(err, EW_ERR_NOMEM, "plan '%s' too large", path);
  if (bad) { free(buf); return ew_fail(err, EW_ERR_IO, "cannot read plan '%s'", path); }
  int rc = ew_model_load(buf, len, out, err);
  free(buf);
  if (rc && err) {
    /* prefix the file name, keeping as much of the original message as fits */
    char msg[sizeof(err->message)];
    size_t n = strlen(path) < 128 ? strlen(path) : 128;
    memcpy(msg, path, n);
    msg[n] = ':';
    msg[n + 1] = ' ';
    size_t rest = sizeof(msg) - n - 3, ml = strlen(err->message);
    memcpy(msg + n + 2, err->message, ml < rest ? ml : rest);
    msg[n + 2 + (ml < rest ? ml : rest)] = 0;
    memcpy(err->message, msg, sizeof(msg));
  }
  return rc;
}

void ew_model_free(ew_model *m) {
  if (!m) return;
  for (size_t i = 0; m->ops && i < m->n_ops; i++)
    if (m->ops[i].ad && m->ops[i].ad->destroy) m->ops[i].ad->destroy(m->ops[i].state);
  free(m->ops);
  free(m->tensors);
  if (m->pb) edgewise__plan__plan__free_unpacked(m->pb, NULL);
  free(m);
}

static int info(const ew_model *m, const uint32_t *ids, size_t n, size_t i, ew_tensor_info *ti) {
  if (!m || !ti || i >= n) return EW_ERR_ARG;
  const ew_tensor *t = &m->tensors[ids[i]];
  ti->id = ids[i];
  ti->name = t->name;
  ti->rank = t->rank;
  memcpy(ti->dims, t->dims, sizeof(ti->dims));
  ti->bytes = t->bytes;
  return EW_OK;
}

size_t ew_model_num_inputs(const ew_model *m) { return m ? m->pb->n_inputs : 0; }
size_t ew_model_num_outputs(const ew_model *m) { return m ? m->pb->n_outputs : 0; }
int ew_model_input_info(const ew_model *m, size_t i, ew_tensor_info *ti) {
  return m ? info(m, m->pb->inputs, m->pb->n_inputs, i, ti) : EW_ERR_ARG;
}
int ew_model_output_info(const ew_model *m, size_t i, ew_tensor_info *ti) {
  return m ? info(m, m->pb->outputs, m->pb->n_outputs, i, ti) : EW_ERR_ARG;
}
size_t ew_model_num_ops(const ew_model *m) { return m ? m->n_ops : 0; }
const char *ew_model_op_name(const ew_model *m, size_t i) {
  return m && i < m->n_ops ? m->ops[i].name : NULL;
}
const char *ew_model_op_kernel(const ew_model *m, size_t i) {
  return m && i < m->n_ops ? ew_kernel_name(m->ops[i].kernel) : NULL;
}
uint64_t ew_model_arena_size(const ew_model *m) { return m ? m->arena_size : 0; }
const char *ew_model_compiler_version(const ew_model *m) {
  return m ? m->pb->compiler_version : NULL;
}
