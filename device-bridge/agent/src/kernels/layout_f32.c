/* Data movement: Concat, Split, Transpose, Pad. Pure copies, so plain C with memcpy runs. */
#include <string.h>
#include "kernels.h"

void ew_concat_f32(size_t outer, size_t inner, size_t n, const float *const *xs,
                   const size_t *axis_dims, float *y) {
  for (size_t o = 0; o < outer; o++)
    for (size_t i = 0; i < n; i++) {
      size_t run = axis_dims[i] * inner;
      memcpy(y, xs[i] + o * run, run * sizeof(float));
      y += run;
    }
}

void ew_split_f32(size_t outer, size_t inner, const float *x, size_t n, float *const *ys,
                  const size_t *axis_dims) {
  for (size_t o = 0; o < outer; o++)
    for (size_t i = 0; i < n; i++) {
      size_t run = axis_dims[i] * inner;
      memcpy(ys[i] + o * run, x, run * sizeof(float));
      x += run;
    }
}

void ew_transpose_f32(const float *x, const uint32_t *xd, int rank, const uint32_t *perm,
                      float *y) {
  size_t xs[EW_MAX_RANK], st[EW_MAX_RANK], yd[EW_MAX_RANK], idx[EW_MAX_RANK] = {0}, total = 1;
  size_t s = 1;
  for (int i = rank - 1; i >= 0; i--) { xs[i] = s; s *= xd[i]; }
  for (int i = 0; i < rank; i++) { yd[i] = xd[perm[i]]; st[i] = xs[perm[i]]; total *= yd[i]; }
  if (rank == 0) { y[0] = x[0]; return; }
  size_t inner = yd[rank - 1], ist = st[rank - 1];
  for (size_t o = 0; o < total / inner; o++) {
    size_t off = 0;
    for (int i = 0; i < rank - 1; i++) off += idx[i] * st[i];
    for (size_t j = 0; j < inner; j++) *y++ = x[off + j * ist];
    for (int i = rank - 2; i >= 0 && ++idx[i] == yd[i]; i--) idx[i] = 0;
  }
}

/* source index along one axis for an output position, or -1 for the constant */
static long pad_src(long o, long begin, long n, int mode) {
  long i = o - begin;
  if (i >= 0 && i < n) return i;
  if (mode == EW_PAD_CONSTANT) return -1;
  if (mode == EW_PAD_EDGE) return i < 0 ? 0 : n - 1;
  if (n == 1) return 0;
  long period = 2 * (n - 1); /* reflect without repeating the edge */
  i = ((i % period) + period) % period;
  return i < n ? i : period - i;
}

void ew_pad_f32(const float *x, const uint32_t *xd, int rank, const uint32_t *pads, int mode,
                float value, float *y) {
  size_t yd[EW_MAX_RANK], xs[EW_MAX_RANK], idx[EW_MAX_RANK] = {0}, total = 1, s = 1;
  for (int i = rank - 1; i >= 0; i--) { xs[i] = s; s *= xd[i]; }
  for (int i = 0; i < rank; i++) { yd[i] = xd[i] + pads[i] + pads[rank + i]; total *= yd[i]; }
  for (size_t o = 0; o < total; o++) {
    size_t off = 0;
    int outside = 0;
    for (int i = 0; i < rank; i++) {
      long src = pad_src((long)idx[i], (long)pads[i], (long)xd[i], mode);
      if (src < 0) { outside = 1; break; }
      off += (size_t)src * xs[i];
    }
    y[o] = outside ? value : x[off];
    for (int i = rank - 1; i >= 0 && ++idx[i] == yd[i]; i--) idx[i] = 0;
  }
}
