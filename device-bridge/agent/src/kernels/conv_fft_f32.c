/* FFT convolution (Mathieu et al. 2014): Y_m = IFFT(sum_c FFT(X_c) . conj(FFT(W_mc))), i.e.
 * circular cross-correlation on a power-of-two grid big enough that no valid output wraps.
 * Strides and dilations are handled by dilating the filter and sampling the stride-1 result,
 * so it is correct for every conv but only pays off for large kernels. Filter spectra are
 * computed once at load; they cost M*C/g*P*Q complex floats, which the compiler must budget. */
#include <math.h>
#include <string.h>
#include "kernels.h"
#include "../runtime/threadpool.h"

#define MAX_SPECTRA_BYTES ((size_t)256 << 20)

static size_t pow2_at_least(size_t v) {
  size_t p = 1;
  while (p < v) p <<= 1;
  return p;
}

static void grid(const ew_conv_shape *s, size_t *P, size_t *Q) {
  *P = pow2_at_least((size_t)s->h + s->pt + s->pb);
  *Q = pow2_at_least((size_t)s->w + s->pl + s->pr);
}

/* in-place radix-2 FFT of n complex values (interleaved re, im) with stride in complexes;
 * tw holds exp(-2 pi i k / n) for k < n/2; inverse conjugates the twiddles (unscaled). */
static void fft1d(float *x, size_t n, size_t stride, const float *tw, size_t twn, int inverse) {
  for (size_t i = 1, j = 0; i < n; i++) {
    size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      float *a = x + 2 * i * stride, *b = x + 2 * j * stride;
      float t0 = a[0], t1 = a[1];
      a[0] = b[0]; a[1] = b[1]; b[0] = t0; b[1] = t1;
    }
  }
  for (size_t len = 2; len <= n; len <<= 1) {
    size_t step = twn * 2 / len; /* twiddle table is for size 2*twn */
    for (size_t i = 0; i < n; i += len)
      for (size_t k = 0; k < len / 2; k++) {
        float wr = tw[2 * k * step], wi = inverse ? -tw[2 * k * step + 1] : tw[2 * k * step + 1];
        float *a = x + 2 * (i + k) * stride, *b = x + 2 * (i + k + len / 2) * stride;
        float br = b[0] * wr - b[1] * wi, bi = b[0] * wi + b[1] * wr;
        b[0] = a[0] - br; b[1] = a[1] - bi;
        a[0] += br; a[1] += bi;
      }
  }
}

static void twiddles(float *tw, size_t n) {
  for (size_t k = 0; k < n / 2; k++) {
    double ang = -2.0 * 3.14159265358979323846 * (double)k / (double)n;
    tw[2 * k] = (float)cos(ang);
    tw[2 * k + 1] = (float)sin(ang);
  }
}

/* 2-D FFT of a P x Q complex grid; twp/twq are tables for P and Q. */
static void fft2d(float *g, size_t P, size_t Q, const float *twp, const float *twq, int inv) {
  for (size_t r = 0; r < P; r++) fft1d(g + 2 * r * Q, Q, 1, twq, Q / 2, inv);
  for (size_t c = 0; c < Q; c++) fft1d(g + 2 * c, P, Q, twp, P / 2, inv);
}

static size_t packed_floats(const ew_conv_shape *s) {
  size_t P, Q;
  grid(s, &P, &Q);
  return (size_t)s->m * (size_t)(s->c / s->group) * P * Q * 2 + P + Q;
}

static int pack(const ew_conv_shape *s, const float *oihw, float *packed) {
  size_t P, Q, cg = (size_t)(s->c / s->group), kk = (size_t)s->kh * s->kw;
  grid(s, &P, &Q);
  float *twp = packed + (size_t)s->m * cg * P * Q * 2, *twq = twp + P;
  twiddles(twp, P);
  twiddles(twq, Q);
  for (size_t mc = 0; mc < (size_t)s->m * cg; mc++) {
    float *g = packed + mc * P * Q * 2;
    memset(g, 0, P * Q * 2 * sizeof(float));
    for (int ky = 0; ky < s->kh; ky++)
      for (int kx = 0; kx < s->kw; kx++)
        g[2 * ((size_t)ky * s->dh * Q + (size_t)kx * s->dw)] = oihw[mc * kk + (size_t)ky * s->kw + kx];
    fft2d(g, P, Q, twp, twq, 0);
  }
  return 0;
}

static size_t workspace(const ew_conv_shape *s, int nthreads) {
  size_t P, Q;
  grid(s, &P, &Q);
  return ((size_t)(s->c / s->group) + (size_t)nthreads) * P * Q * 2;
}

typedef struct fctx {
  const ew_conv_args *a;
  const float *x; /* first input channel of the group */
  float *y;       /* first output channel of the group */
  size_t P, Q, g;
} fctx;

static void input_fft_task(void *vc, size_t c, int thread) {
  (void)thread;
  const fctx *f = vc;
  const ew_conv_shape *s = f->a->s;
  size_t P = f->P, Q = f->Q;
  float *g = f->a->ws + c * P * Q * 2;
  const float *twp = f->a->w + (size_t)s->m * (size_t)(s->c / s->group) * P * Q * 2;
  memset(g, 0, P * Q * 2 * sizeof(float));
  const float *xc = f->x + c * s->h * s->w;
  for (int iy = 0; iy < s->h; iy++)
    for (int ix = 0; ix < s->w; ix++)
      g[2 * ((size_t)(iy + s->pt) * Q + (size_t)(ix + s->pl))] = xc[(size_t)iy * s->w + ix];
  fft2d(g, P, Q, twp, twp + P, 0);
}

static void output_task(void *vc, size_t mo, int thread) {
  const fctx *f = vc;
  const ew_conv_shape *s = f->a->s;
  size_t P = f->P, Q = f->Q, PQ = P * Q, cg = (size_t)(s->c / s->group);
  size_t m = f->g * (size_t)(s->m / s->group) + mo;
  float *acc = f->a->ws + (cg + (size_t)thread) * PQ * 2;
  const float *twp = f->a->w + (size_t)s->m * cg * PQ * 2;
  memset(acc, 0, PQ * 2 * sizeof(float));
  for (size_t c = 0; c < cg; c++) {
    const float *X = f->a->ws + c * PQ * 2, *W = f->a->w + (m * cg + c) * PQ * 2;
    for (size_t i = 0; i < PQ; i++) { /* X * conj(W) */
      acc[2 * i] += X[2 * i] * W[2 * i] + X[2 * i + 1] * W[2 * i + 1];
      acc[2 * i + 1] += X[2 * i + 1] * W[2 * i] - X[2 * i] * W[2 * i + 1];
    }
  }
  fft2d(acc, P, Q, twp, twp + P, 1);
  float scale = 1.0f / (float)PQ, bias = f->a->bias ? f->a->bias[m] : 0.0f;
  float *y = f->y + mo * s->oh * s->ow;
  for (int oy = 0; oy < s->oh; oy++)
    for (int ox = 0; ox < s->ow; ox++)
      y[(size_t)oy * s->ow + ox] =
          acc[2 * ((size_t)oy * s->sh * Q + (size_t)ox * s->sw)] * scale + bias;
  ew_act_apply(f->a->act, y, (size_t)s->oh * s->ow);
}

static void run(const ew_conv_args *a) {
  const ew_conv_shape *s = a->s;
  fctx f = {a, NULL, NULL, 0, 0, 0};
  grid(s, &f.P, &f.Q);
  size_t cg = (size_t)(s->c / s->group), mg = (size_t)(s->m / s->group);
  for (int n = 0; n < s->n; n++)
    for (f.g = 0; f.g < (size_t)s->group; f.g++) {
      f.x = a->x + ((size_t)n * s->c + f.g * cg) * s->h * s->w;
      f.y = a->y + ((size_t)n * s->m + f.g * mg) * s->oh * s->ow;
      ew_pool_run(a->pool, cg, input_fft_task, &f);
      ew_pool_run(a->pool, mg, output_task, &f);
    }
}

static const char *unsupported(const ew_conv_shape *s) {
  size_t P, Q;
  grid(s, &P, &Q);
  if (P > 4096 || Q > 4096) return "padded input larger than 4096 (FFT grid limit)";
  if ((size_t)s->m * (size_t)(s->c / s->group) > ((size_t)1 << 30) ||
      packed_floats(s) > MAX_SPECTRA_BYTES / sizeof(float))
    return "filter spectra exceed 256 MiB";
  return NULL;
}

const ew_conv_algo ew_algo_conv_fft_f32 = {"conv_fft_f32", 8, unsupported, packed_floats, pack,
                                           workspace, run};
