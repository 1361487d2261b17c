/* Add/Mul inner loops (scalar twins) and the numpy-broadcast driver shared by both. */
#include "kernels.h"

static void vv(int op, const float *a, const float *b, float *y, size_t n) {
  for (size_t i = 0; i < n; i++) y[i] = op == EW_BIN_ADD ? a[i] + b[i] : a[i] * b[i];
}

static void vs(int op, const float *a, float b, float *y, size_t n) {
  for (size_t i = 0; i < n; i++) y[i] = op == EW_BIN_ADD ? a[i] + b : a[i] * b;
}

const ew_binary_impl ew_binary_f32_scalar = {"binary_f32_scalar", vv, vs};

/* Right-aligns a's dims to y's rank; returns -1 when a does not broadcast to y. */
static int strides_for(const uint32_t *d, int r, const uint32_t *yd, int yr, size_t *st) {
  size_t s = 1;
  if (r > yr) return -1;
  for (int i = yr - 1; i >= 0; i--) {
    int j = i - (yr - r);
    uint32_t di = j >= 0 ? d[j] : 1;
    if (di != 1 && di != yd[i]) return -1;
    st[i] = di == 1 ? 0 : s;
    s *= di;
  }
  return 0;
}

int ew_binary_f32(const ew_binary_impl *impl, int op, const float *a, const uint32_t *ad,
                  int ar, const float *b, const uint32_t *bd, int br, float *y,
                  const uint32_t *yd, int yr) {
  size_t sa[EW_MAX_RANK + 1], sb[EW_MAX_RANK + 1], dims[EW_MAX_RANK + 1];
  if (yr > EW_MAX_RANK || strides_for(ad, ar, yd, yr, sa) || strides_for(bd, br, yd, yr, sb))
    return -1;
  /* y's dims must be exactly the broadcast, not larger */
  for (int i = 0; i < yr; i++)
    if (yd[i] != 1 && sa[i] == 0 && sb[i] == 0) return -1;
  if (!y) return 0; /* shape check only (plan validation) */
  /* merge neighbouring dims whose strides chain, so [N,C,H,W]+[1,C,1,1] runs H*W at once */
  int r = 0;
  for (int i = 0; i < yr; i++) {
    if (yd[i] == 1) continue;
    if (r > 0 && sa[r - 1] == sa[i] * yd[i] && sb[r - 1] == sb[i] * yd[i]) {
      dims[r - 1] *= yd[i];
      sa[r - 1] = sa[i];
      sb[r - 1] = sb[i];
      continue;
    }
    dims[r] = yd[i]; sa[r] = sa[i]; sb[r] = sb[i]; r++;
  }
  if (r == 0) { dims[0] = 1; sa[0] = sb[0] = 1; r = 1; }
  size_t inner = dims[r - 1], outer = 1, idx[EW_MAX_RANK + 1] = {0};
  for (int i = 0; i < r - 1; i++) outer *= dims[i];
  for (size_t o = 0; o < outer; o++, y += inner) {
    size_t oa = 0, ob = 0;
    for (int i = 0; i < r - 1; i++) { oa += idx[i] * sa[i]; ob += idx[i] * sb[i]; }
    const float *pa = a + oa, *pb = b + ob;
    size_t ia = sa[r - 1], ib = sb[r - 1];
    if (ia && ib) impl->vv(op, pa, pb, y, inner);
    else if (ia) impl->vs(op, pa, pb[0], y, inner);
    else if (ib) impl->vs(op, pb, pa[0], y, inner); /* Add and Mul commute */
    else impl->vs(op, pa, pb[0], y, 1);
    for (int i = r - 2; i >= 0 && ++idx[i] == dims[i]; i--) idx[i] = 0;
  }
  return 0;
}
