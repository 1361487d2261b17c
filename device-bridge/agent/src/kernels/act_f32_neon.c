/* Activations, NEON. exp is a range-reduced polynomial (relative error ~2e-7 in float), so
 * sigmoid/tanh match libm to a few ulp instead of calling expf per lane. */
#include "kernels.h"
#include "neon.h"

static float32x4_t exp4(float32x4_t x) {
  /* clamp so 2^n stays a normal float and never overflows to inf then NaN in x*0 */
  x = vminq_f32(vmaxq_f32(x, vdupq_n_f32(-87.0f)), vdupq_n_f32(88.0f));
  float32x4_t n = vrndnq_f32(vmulq_n_f32(x, 1.44269504088896341f));
  /* ln2 split in two so r = x - n ln2 keeps its low bits */
  float32x4_t r = vmlsq_f32(x, n, vdupq_n_f32(0.693359375f));
  r = vmlsq_f32(r, n, vdupq_n_f32(-2.12194440e-4f));
  float32x4_t p = vdupq_n_f32(1.9875691500e-4f);
  p = vfmaq_f32(vdupq_n_f32(1.3981999507e-3f), p, r);
  p = vfmaq_f32(vdupq_n_f32(8.3334519073e-3f), p, r);
  p = vfmaq_f32(vdupq_n_f32(4.1665795894e-2f), p, r);
  p = vfmaq_f32(vdupq_n_f32(1.6666665459e-1f), p, r);
  p = vfmaq_f32(vdupq_n_f32(5.0000001201e-1f), p, r);
  p = vfmaq_f32(r, p, vmulq_f32(r, r));
  p = vaddq_f32(p, vdupq_n_f32(1.0f));
  int32x4_t e = vshlq_n_s32(vcvtq_s32_f32(n), 23);
  return vreinterpretq_f32_s32(vaddq_s32(vreinterpretq_s32_f32(p), e));
}

/* a / b by reciprocal estimate + two Newton steps (~1 ulp): cheaper than FDIV on small cores,
 * and the same instructions on the host (SIMDe has no vdivq) and on ARM */
static float32x4_t div4(float32x4_t a, float32x4_t b) {
  float32x4_t r = vrecpeq_f32(b);
  r = vmulq_f32(r, vrecpsq_f32(b, r));
  r = vmulq_f32(r, vrecpsq_f32(b, r));
  return vmulq_f32(a, r);
}

static float32x4_t sigmoid4(float32x4_t x) {
  float32x4_t one = vdupq_n_f32(1.0f);
  return div4(one, vaddq_f32(one, exp4(vnegq_f32(x))));
}

static float32x4_t tanh4(float32x4_t x) {
  float32x4_t ax = vabsq_f32(x);
  float32x4_t t = exp4(vmulq_n_f32(ax, -2.0f));
  float32x4_t big = div4(vsubq_f32(vdupq_n_f32(1.0f), t), vaddq_f32(vdupq_n_f32(1.0f), t));
  /* near 0, 1 - t cancels: use the odd Taylor series there (|x| < 0.3, error < 1e-8) */
  float32x4_t x2 = vmulq_f32(ax, ax);
  float32x4_t p = vdupq_n_f32(62.0f / 2835.0f);
  p = vfmaq_f32(vdupq_n_f32(-17.0f / 315.0f), p, x2);
  p = vfmaq_f32(vdupq_n_f32(2.0f / 15.0f), p, x2);
  p = vfmaq_f32(vdupq_n_f32(-1.0f / 3.0f), p, x2);
  float32x4_t small = vfmaq_f32(ax, vmulq_f32(p, x2), ax);
  float32x4_t r = vbslq_f32(vcltq_f32(ax, vdupq_n_f32(0.3f)), small, big);
  uint32x4_t sign = vandq_u32(vreinterpretq_u32_f32(x), vdupq_n_u32(0x80000000u));
  return vreinterpretq_f32_u32(vorrq_u32(vreinterpretq_u32_f32(r), sign));
}

static float32x4_t apply4(const ew_act *a, float32x4_t x) {
  float32x4_t zero = vdupq_n_f32(0.0f), one = vdupq_n_f32(1.0f);
  switch (a->kind) {
    case EW_ACT_RELU: return vmaxq_f32(x, zero);
    case EW_ACT_CLIP:
      return vminq_f32(vmaxq_f32(x, vdupq_n_f32(a->alpha)), vdupq_n_f32(a->beta));
    case EW_ACT_LEAKYRELU:
      return vbslq_f32(vcltq_f32(x, zero), vmulq_n_f32(x, a->alpha), x);
    case EW_ACT_SIGMOID: return sigmoid4(x);
    case EW_ACT_HARDSIGMOID: {
      float32x4_t v = vfmaq_n_f32(vdupq_n_f32(a->beta), x, a->alpha);
      return vminq_f32(vmaxq_f32(v, zero), one);
    }
    case EW_ACT_HARDSWISH: {
      float32x4_t v = vfmaq_n_f32(vdupq_n_f32(0.5f), x, 1.0f / 6.0f);
      return vmulq_f32(x, vminq_f32(vmaxq_f32(v, zero), one));
    }
    case EW_ACT_TANH: return tanh4(x);
    default: return x;
  }
}

void ew_act_f32_neon(const ew_act *act, float *x, size_t n) {
  if (act->kind == EW_ACT_NONE) return;
  size_t i = 0;
  for (; i + 4 <= n; i += 4) vst1q_f32(x + i, apply4(act, vld1q_f32(x + i)));
  if (i < n) {
    /* tail through a padded vector so the tail gets exactly the vector math */
    float tmp[4] = {0, 0, 0, 0};
    for (size_t j = i; j < n; j++) tmp[j - i] = x[j];
    vst1q_f32(tmp, apply4(act, vld1q_f32(tmp)));
    for (size_t j = i; j < n; j++) x[j] = tmp[j - i];
  }
}
