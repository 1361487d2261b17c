/* Builds plans in C with protobuf-c, the way the Java compiler will (tests only). */
#ifndef EW_PLAN_BUILDER_H
#define EW_PLAN_BUILDER_H
#include <stddef.h>
#include <stdint.h>
#include "plan.pb-c.h"

typedef struct pbld pbld;
pbld *pbld_new(void);
void pbld_free(pbld *b);
Edgewise__Plan__Plan *pbld_plan(pbld *b);
/* arena tensor at the next free 64-byte aligned offset (no reuse: tests want clarity) */
uint32_t pbld_tensor(pbld *b, const char *name, int rank, const uint32_t *dims);
uint32_t pbld_blob(pbld *b, const float *data, size_t n, int layout);
/* raw little-endian bytes with any layout and dtype (fp16 and CSR blobs) */
uint32_t pbld_blob_raw(pbld *b, const void *data, size_t len, int layout, int dtype);
uint32_t pbld_const(pbld *b, const char *name, int rank, const uint32_t *dims, const float *data);
Edgewise__Plan__Op *pbld_op(pbld *b, int kernel, const char *name, size_t n_in,
                            const uint32_t *in, size_t n_out, const uint32_t *out);
void pbld_conv(pbld *b, Edgewise__Plan__Op *op, int kh, int kw, int s, int d, int pad, int group,
               int m);
void pbld_pool(pbld *b, Edgewise__Plan__Op *op, int k, int s, int pad, int ceil_mode);
void pbld_axis(pbld *b, Edgewise__Plan__Op *op, int axis);
void pbld_weights(pbld *b, Edgewise__Plan__Op *op, uint32_t weight, int has_bias, uint32_t bias);
void pbld_act(pbld *b, Edgewise__Plan__Op *op, int kind, float alpha, float beta);
void pbld_io(pbld *b, uint32_t input, uint32_t output);
uint8_t *pbld_pack(pbld *b, size_t *len);

/* The shared test network: conv(kernel choice) -> relu -> maxpool -> depthwise conv ->
 * add (skip) -> global avg pool -> gemm -> softmax. Returns the packed plan and, in want,
 * the expected output computed with the reference kernels. */
typedef struct tiny_net {
  uint8_t *plan;
  size_t plan_len;
  float *input, *want;
  size_t n_input, n_output;
} tiny_net;
void tiny_net_build(int conv_kernel, uint64_t seed, tiny_net *t);
/* 1: conv1 weights go into the plan already packed for the kernel instead of OIHW */
extern int tiny_net_prepack;
void tiny_net_free(tiny_net *t);
#endif
