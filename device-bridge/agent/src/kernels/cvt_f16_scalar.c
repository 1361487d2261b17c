/* fp16 <-> fp32 in plain C: the reference for the NEON conversions and the emulation behind
 * the scalar twin of the fp16-arithmetic GEMM. */
#include <string.h>
#include "f16.h"

ew_f16 ew_f32_to_f16_scalar(float f) {
  uint32_t x;
  memcpy(&x, &f, 4);
  uint32_t sign = (x >> 16) & 0x8000u, ax = x & 0x7FFFFFFFu;
  if (ax >= 0x7F800000u) /* inf, or NaN kept quiet with its top payload bits (as FCVT does) */
    return (ew_f16)(sign | (ax > 0x7F800000u ? 0x7E00u | ((ax >> 13) & 0x3FFu) : 0x7C00u));
  if (ax >= 0x477FF000u) return (ew_f16)(sign | 0x7C00u); /* >= 65520 rounds to infinity */
  if (ax < 0x38800000u) {                                   /* below 2^-14: subnormal or 0 */
    if (ax <= 0x33000000u) return (ew_f16)sign;            /* <= 2^-25 (a tie) rounds to 0 */
    uint32_t e = ax >> 23, m = (ax & 0x7FFFFFu) | 0x800000u, shift = 126u - e;
    uint32_t q = m >> shift, rem = m & ((1u << shift) - 1u), half = 1u << (shift - 1u);
    if (rem > half || (rem == half && (q & 1u))) q++;
    return (ew_f16)(sign | q);
  }
  uint32_t h = (ax >> 13) - (112u << 10), rem = ax & 0x1FFFu;
  if (rem > 0x1000u || (rem == 0x1000u && (h & 1u))) h++; /* a carry may bump the exponent */
  return (ew_f16)(sign | h);
}

float ew_f16_to_f32_scalar(ew_f16 h) {
  uint32_t sign = (uint32_t)(h & 0x8000u) << 16, e = (h >> 10) & 0x1Fu, m = h & 0x3FFu, bits;
  if (e == 0) {
    float v = (float)m * 0x1p-24f; /* subnormal: exact in fp32 */
    memcpy(&bits, &v, 4);
    bits |= sign;
  } else if (e == 31) {
    bits = sign | 0x7F800000u | (m << 13) | (m ? 0x400000u : 0u); /* NaN comes out quiet, as FCVTL */
  } else {
    bits = sign | ((e + 112u) << 23) | (m << 13);
  }
  float f;
  memcpy(&f, &bits, 4);
  return f;
}

void ew_f16_widen_f32_scalar(const ew_f16 *h, float *f, size_t n) {
  for (size_t i = 0; i < n; i++) f[i] = ew_f16_to_f32_scalar(h[i]);
}

void ew_f32_narrow_f16_scalar(const float *f, ew_f16 *h, size_t n) {
  for (size_t i = 0; i < n; i++) h[i] = ew_f32_to_f16_scalar(f[i]);
}
