/* Activations, scalar: the reference for act_f32_neon.c and the definition of each kind. */
#include <math.h>
#include "kernels.h"

int ew_act_as_clamp(const ew_act *act, float *lo, float *hi) {
  if (act->kind == EW_ACT_RELU) {
    *lo = 0.0f;
    *hi = INFINITY;
    return 1;
  }
  if (act->kind == EW_ACT_CLIP) {
    *lo = act->alpha;
    *hi = act->beta;
    return 1;
  }
  return 0;
}

static float one(const ew_act *a, float x) {
  switch (a->kind) {
    case EW_ACT_RELU: return x > 0.0f ? x : 0.0f;
    case EW_ACT_CLIP: return x < a->alpha ? a->alpha : (x > a->beta ? a->beta : x);
    case EW_ACT_LEAKYRELU: return x < 0.0f ? a->alpha * x : x;
    case EW_ACT_SIGMOID: return 1.0f / (1.0f + expf(-x));
    case EW_ACT_HARDSIGMOID: return fmaxf(0.0f, fminf(1.0f, a->alpha * x + a->beta));
    case EW_ACT_HARDSWISH: return x * fmaxf(0.0f, fminf(1.0f, x / 6.0f + 0.5f));
    case EW_ACT_TANH: return tanhf(x);
    default: return x;
  }
}

void ew_act_f32_scalar(const ew_act *act, float *x, size_t n) {
  if (act->kind == EW_ACT_NONE) return;
  for (size_t i = 0; i < n; i++) x[i] = one(act, x[i]);
}

void ew_act_apply(const ew_act *act, float *x, size_t n) {
  if (act && act->kind != EW_ACT_NONE) ew_act_f32_neon(act, x, n);
}
