/* A plan touching every non-conv op adapter, with in-place ops (same arena offset) and a
 * constant operand; its expected outputs come from direct kernel calls. */
#include <stdlib.h>
#include <string.h>
#include "kernels.h"
#include "plan_builder.h"
#include "ops_net.h"
#include "testutil.h"

static Edgewise__Plan__Op *op1(pbld *b, int k, const char *n, uint32_t in, uint32_t out) {
  return pbld_op(b, k, n, 1, &in, 1, &out);
}

#define K(x) EDGEWISE__PLAN__KERNEL_ID__##x

static void build_plan(pbld *b, const float *c4, const float *sc, const float *sh, uint32_t *ids) {
  Edgewise__Plan__Plan *p = pbld_plan(b);
  uint32_t xd[4] = {1, 4, 3, 5}, cd[3] = {4, 1, 1}, pd[4] = {1, 4, 5, 7}, od[4] = {1, 4, 3, 4};
  uint32_t s1[4] = {1, 1, 3, 4}, s3[4] = {1, 3, 3, 4}, td[4] = {1, 3, 4, 4}, fd[2] = {1, 48};
  uint32_t gd[4] = {1, 4, 1, 1};
  uint32_t x = pbld_tensor(b, "x", 4, xd), c = pbld_const(b, "c", 3, cd, c4);
  uint32_t t1 = pbld_tensor(b, "add", 4, xd); /* in place over x */
  p->tensors[t1]->arena_offset = p->tensors[x]->arena_offset;
  uint32_t ab[2] = {x, c};
  pbld_act(b, pbld_op(b, K(ADD), "add", 2, ab, 1, &t1), EW_ACT_LEAKYRELU, 0.1f, 0);
  op1(b, K(SIGMOID), "sigmoid", t1, t1);
  uint32_t t3 = pbld_tensor(b, "bn", 4, xd), t4 = pbld_tensor(b, "lrn", 4, xd);
  pbld_weights(b, op1(b, K(BATCHNORM), "bn", t1, t3), pbld_blob(b, sc, 4, 1), 1, pbld_blob(b, sh, 4, 1));
  Edgewise__Plan__Op *lrn = op1(b, K(LRN), "lrn", t3, t4);
  static Edgewise__Plan__LrnParams lp = EDGEWISE__PLAN__LRN_PARAMS__INIT;
  lp.size = 3; lp.alpha = 0.5f; lp.beta = 0.75f; lp.bias = 1.0f;
  lrn->params_case = EDGEWISE__PLAN__OP__PARAMS_LRN; lrn->lrn = &lp;
  uint32_t t5 = pbld_tensor(b, "pad", 4, pd);
  Edgewise__Plan__Op *pad = op1(b, K(PAD), "pad", t4, t5);
  static uint32_t pads[8] = {0, 0, 1, 2, 0, 0, 1, 0};
  static Edgewise__Plan__PadParams pp = EDGEWISE__PLAN__PAD_PARAMS__INIT;
  pp.mode = EDGEWISE__PLAN__PAD_MODE__PAD_REFLECT; pp.n_pads = 8; pp.pads = pads;
  pad->params_case = EDGEWISE__PLAN__OP__PARAMS_PAD; pad->pad = &pp;
  uint32_t t6 = pbld_tensor(b, "avg", 4, od);
  Edgewise__Plan__Op *avg = op1(b, K(AVGPOOL), "avg", t5, t6);
  pbld_pool(b, avg, 3, 2, 1, 1);
  avg->pool->count_include_pad = 1;
  uint32_t sp[2] = {pbld_tensor(b, "s1", 4, s1), pbld_tensor(b, "s3", 4, s3)};
  pbld_axis(b, pbld_op(b, K(SPLIT), "split", 1, &t6, 2, sp), 1);
  uint32_t t8 = pbld_tensor(b, "cat", 4, od), cin[2] = {sp[1], sp[0]};
  pbld_axis(b, pbld_op(b, K(CONCAT), "cat", 2, cin, 1, &t8), 1);
  uint32_t t9 = pbld_tensor(b, "nhwc", 4, td);
  Edgewise__Plan__Op *tr = op1(b, K(TRANSPOSE), "nhwc", t8, t9);
  static uint32_t perm[4] = {0, 2, 3, 1};
  static Edgewise__Plan__TransposeParams tp = EDGEWISE__PLAN__TRANSPOSE_PARAMS__INIT;
  tp.n_perm = 4; tp.perm = perm;
  tr->params_case = EDGEWISE__PLAN__OP__PARAMS_TRANSPOSE; tr->transpose = &tp;
  uint32_t t10 = pbld_tensor(b, "flat", 2, fd); /* a view: same offset */
  p->tensors[t10]->arena_offset = p->tensors[t9]->arena_offset;
  op1(b, K(RESHAPE_VIEW), "flat", t9, t10);
  uint32_t t11 = pbld_tensor(b, "softmax", 2, fd), t12 = pbld_tensor(b, "sq", 2, fd);
  pbld_axis(b, op1(b, K(SOFTMAX), "softmax", t10, t11), 1);
  uint32_t mm[2] = {t11, t11};
  pbld_op(b, K(MUL), "sq", 2, mm, 1, &t12);
  uint32_t t13 = pbld_tensor(b, "gmax", 4, gd);
  op1(b, K(GLOBALMAXPOOL), "gmax", t8, t13);
  pbld_act(b, op1(b, K(HARDSIGMOID), "hsig", t13, t13), EW_ACT_HARDSIGMOID, 0.2f, 0.5f);
  pbld_io(b, x, t12);
  pbld_io(b, x, t13);
  p->n_inputs = 1; /* one graph input, two outputs */
  ids[0] = t12;
  ids[1] = t13;
}

static void reference(const float *x, const float *c4, const float *sc, const float *sh,
                      float *y0, float *y1) {
  float a[60], bn[60], l[60], pd[140], av[48], cat[48], t[48];
  ew_act lk = {EW_ACT_LEAKYRELU, 0.1f, 0}, sg = {EW_ACT_SIGMOID, 0, 0};
  for (int i = 0; i < 60; i++) a[i] = x[i] + c4[i / 15];
  ew_act_f32_scalar(&lk, a, 60);
  ew_act_f32_scalar(&sg, a, 60);
  ew_scale_shift_f32(1, 4, 15, sc, sh, NULL, a, bn);
  ew_lrn_f32(1, 4, 15, 3, 0.5f, 0.75f, 1.0f, bn, l);
  uint32_t ld[4] = {1, 4, 3, 5}, pads[8] = {0, 0, 1, 2, 0, 0, 1, 0}, perm[4] = {0, 2, 3, 1};
  ew_pad_f32(l, ld, 4, pads, EW_PAD_REFLECT, 0, pd);
  ew_pool_shape ps = {1, 4, 5, 7, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0};
  ew_pool_shape_finish(&ps);
  ew_avgpool_f32(&ps, pd, av);
  memcpy(cat, av + 12, 36 * sizeof(float)); /* channels 1..3 first, then channel 0 */
  memcpy(cat + 36, av, 12 * sizeof(float));
  uint32_t cd[4] = {1, 4, 3, 4};
  ew_transpose_f32(cat, cd, 4, perm, t);
  ew_softmax_f32(1, 48, 1, t, y0);
  for (int i = 0; i < 48; i++) y0[i] *= y0[i];
  ew_global_maxpool_f32(4, 12, cat, y1);
  ew_act hs = {EW_ACT_HARDSIGMOID, 0.2f, 0.5f};
  ew_act_f32_scalar(&hs, y1, 4);
}

void ops_net_build(uint64_t seed, ops_net *n) {
  tu_seed(seed);
  float *c4 = tu_rand(4, -1, 1), *sc = tu_rand(4, 0.5f, 2), *sh = tu_rand(4, -1, 1);
  n->input = tu_rand(60, -3, 3);
  pbld *b = pbld_new();
  uint32_t ids[2];
  build_plan(b, c4, sc, sh, ids);
  n->plan = pbld_pack(b, &n->plan_len);
  pbld_free(b);
  reference(n->input, c4, sc, sh, n->want0, n->want1);
  free(c4); free(sc); free(sh);
}
