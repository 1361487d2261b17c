/* The shared test network (see plan_builder.h), with its reference output computed by the
 * direct/scalar kernels rather than the ones the plan names. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "kernels.h"
#include "plan_builder.h"
#include "testutil.h"

static float *conv_ref(const ew_conv_shape *s, const float *x, const float *w, const float *b,
                       const ew_act *act) {
  float *y = malloc((size_t)s->n * s->m * s->oh * s->ow * sizeof(float));
  ew_conv_args a = {s, x, w, b, act, y, NULL, NULL, &ew_gemm_ops_scalar};
  ew_algo_conv_direct_f32_scalar.run(&a);
  return y;
}

int tiny_net_prepack;

static const ew_conv_algo *algo_of(int kernel) {
  static const ew_conv_algo *all[] = {
#define EW_CONV(ID, NAME) &ew_algo_##NAME,
#include "kernels.inc"
  };
  for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
    if (all[i]->kernel_id == kernel) return all[i];
  return NULL;
}

/* weights as the compiler may ship them: already in the kernel's packed layout */
static uint32_t packed_blob(pbld *b, int kernel, const ew_conv_shape *s, const float *w) {
  const ew_conv_algo *al = algo_of(kernel);
  size_t n = al ? al->packed_floats(s) : 0;
  int layout = kernel == EDGEWISE__PLAN__KERNEL_ID__CONV3X3S1_WINOGRAD_F43
                   ? EDGEWISE__PLAN__LAYOUT__LAYOUT_WINOGRAD_F43_MR8
               : kernel == EDGEWISE__PLAN__KERNEL_ID__CONV3X3S1_WINOGRAD_F23
                   ? EDGEWISE__PLAN__LAYOUT__LAYOUT_WINOGRAD_F23_MR8
                   : EDGEWISE__PLAN__LAYOUT__LAYOUT_GEMM_A_MR8;
  float *p = malloc(n * sizeof(float));
  al->pack(s, w, p);
  uint32_t id = pbld_blob(b, p, n, layout);
  free(p);
  return id;
}

static uint32_t conv_op(pbld *b, int kernel, const char *name, uint32_t in, ew_conv_shape *s,
                        const float *w, const float *bias, int act) {
  uint32_t dims[4] = {(uint32_t)s->n, (uint32_t)s->m, (uint32_t)s->oh, (uint32_t)s->ow};
  uint32_t out = pbld_tensor(b, name, 4, dims);
  Edgewise__Plan__Op *op = pbld_op(b, kernel, name, 1, &in, 1, &out);
  pbld_conv(b, op, s->kh, s->kw, s->sh, s->dh, s->pt, s->group, s->m);
  size_t nw = (size_t)s->m * (s->c / s->group) * s->kh * s->kw;
  const ew_conv_algo *al = algo_of(kernel);
  uint32_t wb = tiny_net_prepack && al && al->packed_floats(s) && kernel != EDGEWISE__PLAN__KERNEL_ID__CONV_FFT
                    ? packed_blob(b, kernel, s, w)
                    : pbld_blob(b, w, nw, EDGEWISE__PLAN__LAYOUT__LAYOUT_OIHW);
  uint32_t bb = pbld_blob(b, bias, (size_t)s->m, EDGEWISE__PLAN__LAYOUT__LAYOUT_RAW);
  pbld_weights(b, op, wb, 1, bb);
  if (act) pbld_act(b, op, act, 0, 0);
  return out;
}

void tiny_net_build(int conv_kernel, uint64_t seed, tiny_net *t) {
  tu_seed(seed);
  pbld *b = pbld_new();
  int k1 = conv_kernel == EDGEWISE__PLAN__KERNEL_ID__CONV1X1_SGEMM ? 1 : 3;
  ew_conv_shape s1 = {1, 3, 12, 12, 8, k1, k1, 1, 1, 1, 1, k1 / 2, k1 / 2, k1 / 2, k1 / 2, 1, 0, 0};
  ew_conv_shape s2 = {1, 8, 6, 6, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 8, 0, 0};
  ew_conv_shape s3 = {1, 8, 6, 6, 8, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 8, 0, 0};
  ew_conv_shape_finish(&s1); ew_conv_shape_finish(&s2); ew_conv_shape_finish(&s3);
  float *x = tu_rand(3 * 144, -1, 1), *w1 = tu_rand(8 * 3 * 9, -0.5f, 0.5f), *b1 = tu_rand(8, -0.1f, 0.1f);
  float *w2 = tu_rand(72, -0.5f, 0.5f), *b2 = tu_rand(8, -0.1f, 0.1f);
  float *w3 = tu_rand(72, -0.5f, 0.5f), *b3 = tu_rand(8, -0.1f, 0.1f);
  float *wf = tu_rand(80, -1, 1), *bf = tu_rand(10, -0.1f, 0.1f);
  uint32_t xd[4] = {1, 3, 12, 12};
  uint32_t tx = pbld_tensor(b, "input", 4, xd);
  uint32_t t1 = conv_op(b, conv_kernel, "conv1", tx, &s1, w1, b1, EW_ACT_RELU);
  uint32_t pd[4] = {1, 8, 6, 6}, t2 = pbld_tensor(b, "pool1", 4, pd);
  pbld_pool(b, pbld_op(b, EDGEWISE__PLAN__KERNEL_ID__MAXPOOL, "pool1", 1, &t1, 1, &t2), 2, 2, 0, 0);
  uint32_t t3 = conv_op(b, EDGEWISE__PLAN__KERNEL_ID__CONVDW3X3S1, "dw1", t2, &s2, w2, b2,
                        EW_ACT_HARDSWISH);
  uint32_t t4 = pbld_tensor(b, "add1", 4, pd), ab[2] = {t2, t3};
  pbld_op(b, EDGEWISE__PLAN__KERNEL_ID__ADD, "add1", 2, ab, 1, &t4);
  uint32_t t5 = conv_op(b, EDGEWISE__PLAN__KERNEL_ID__CONVDW3X3S2, "dw2", t4, &s3, w3, b3, 0);
  uint32_t gd[4] = {1, 8, 1, 1}, t6 = pbld_tensor(b, "gap", 4, gd);
  pbld_op(b, EDGEWISE__PLAN__KERNEL_ID__GLOBALAVGPOOL, "gap", 1, &t5, 1, &t6);
  uint32_t fd[2] = {1, 10}, t7 = pbld_tensor(b, "fc", 2, fd), t8 = pbld_tensor(b, "prob", 2, fd);
  Edgewise__Plan__Op *fc = pbld_op(b, EDGEWISE__PLAN__KERNEL_ID__GEMM, "fc", 1, &t6, 1, &t7);
  pbld_weights(b, fc, pbld_blob(b, wf, 80, EDGEWISE__PLAN__LAYOUT__LAYOUT_OI), 1,
               pbld_blob(b, bf, 10, EDGEWISE__PLAN__LAYOUT__LAYOUT_RAW));
  pbld_axis(b, pbld_op(b, EDGEWISE__PLAN__KERNEL_ID__SOFTMAX, "softmax", 1, &t7, 1, &t8), 1);
  pbld_io(b, tx, t8);
  t->plan = pbld_pack(b, &t->plan_len);
  pbld_free(b);

  ew_act relu = {EW_ACT_RELU, 0, 0}, hs = {EW_ACT_HARDSWISH, 0, 0};
  float *r1 = conv_ref(&s1, x, w1, b1, &relu);
  ew_pool_shape ps = {1, 8, 12, 12, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0};
  ew_pool_shape_finish(&ps);
  float *r2 = malloc(288 * 4), *r4 = malloc(288 * 4), r6[8], r7[10];
  ew_maxpool_f32(&ps, r1, r2);
  float *r3 = conv_ref(&s2, r2, w2, b2, &hs);
  for (int i = 0; i < 288; i++) r4[i] = r2[i] + r3[i];
  float *r5 = conv_ref(&s3, r4, w3, b3, NULL);
  ew_global_avgpool_f32(8, 9, r5, r6);
  for (int n = 0; n < 10; n++) {
    double acc = bf[n];
    for (int k = 0; k < 8; k++) acc += (double)wf[n * 8 + k] * r6[k];
    r7[n] = (float)acc;
  }
  t->want = malloc(10 * sizeof(float));
  ew_softmax_f32(1, 10, 1, r7, t->want);
  t->input = x;
  t->n_input = 3 * 144;
  t->n_output = 10;
  free(r1); free(r2); free(r3); free(r4); free(r5);
  free(w1); free(b1); free(w2); free(b2); free(w3); free(b3); free(wf); free(bf);
}

void tiny_net_free(tiny_net *t) {
  free(t->plan);
  free(t->input);
  free(t->want);
}
