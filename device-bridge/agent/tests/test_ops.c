/* Activations (NEON vs scalar vs libm), pooling (ONNX reference cases and brute force),
 * broadcasting Add/Mul, Concat/Split/Transpose/Pad, Softmax, LRN, FC and the thread pool. */
#define _DEFAULT_SOURCE
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kernels.h"
#include "threadpool.h"
#include "testutil.h"

static void activations(void) {
  const ew_act acts[] = {{EW_ACT_RELU, 0, 0}, {EW_ACT_CLIP, 0, 6}, {EW_ACT_CLIP, -1.5f, 0.25f},
                         {EW_ACT_LEAKYRELU, 0.01f, 0}, {EW_ACT_SIGMOID, 0, 0},
                         {EW_ACT_HARDSIGMOID, 0.2f, 0.5f}, {EW_ACT_HARDSWISH, 0, 0},
                         {EW_ACT_TANH, 0, 0}};
  const size_t ns[] = {1, 3, 4, 5, 13, 127, 1000};
  const float special[] = {0.0f, -0.0f, 1e-5f, -1e-5f, 0.29f, 0.31f, -3.0f, 3.0f, 20.0f, -20.0f,
                           90.0f, -90.0f, 1e30f, -1e30f};
  for (size_t a = 0; a < sizeof(acts) / sizeof(acts[0]); a++)
    for (size_t k = 0; k < sizeof(ns) / sizeof(ns[0]); k++) {
      size_t n = ns[k];
      float *x = tu_rand(n, -8, 8);
      for (size_t i = 0; i < n && i < sizeof(special) / sizeof(special[0]); i++) x[i] = special[i];
      static const struct { const char *name; ew_act_fn fn; } impls[] = {
#define EW_ACT_IMPL(NAME) {#NAME, ew_act_##NAME},
#include "kernels.inc"
      };
      float *v = malloc(n * 4), *s = malloc(n * 4);
      memcpy(s, x, n * 4);
      ew_act_f32_scalar(&acts[a], s, n); /* the reference */
      for (size_t im = 0; im < sizeof(impls) / sizeof(impls[0]); im++) {
        memcpy(v, x, n * 4);
        impls[im].fn(&acts[a], v, n);
        char what[64];
        snprintf(what, sizeof(what), "act %d n=%zu %s vs scalar", acts[a].kind, n, impls[im].name);
        tu_close(what, v, s, NULL, n, 4e-6f, 1e-7f);
      }
      free(x); free(v); free(s);
    }
}

static void pool_onnx_cases(void) {
  float x[16], y[4];
  for (int i = 0; i < 16; i++) x[i] = (float)(i + 1);
  ew_pool_shape s = {1, 1, 4, 4, 3, 3, 2, 2, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0};
  TU_CHECK(ew_pool_shape_finish(&s) == 0 && s.oh == 2 && s.ow == 2, "ceil mode dims %dx%d", s.oh, s.ow);
  const float want_max[4] = {11, 12, 15, 16}, want_avg[4] = {6, 7.5f, 12, 13.5f};
  ew_maxpool_f32(&s, x, y);
  tu_close("maxpool_2d_ceil (ONNX)", y, want_max, NULL, 4, 0, 0);
  ew_avgpool_f32(&s, x, y);
  tu_close("averagepool_2d_ceil (ONNX)", y, want_avg, NULL, 4, 1e-6f, 0);
  s.ceil_mode = 0;
  TU_CHECK(ew_pool_shape_finish(&s) == 0 && s.oh == 1, "floor mode dims");
}

/* brute force on an explicitly padded grid: independent of avg_window's clipping logic */
static void pool_brute(const ew_pool_shape *s, const float *x, int is_max, float *y) {
  int PH = s->h + s->pt + s->pb + s->kh * s->dh, PW = s->w + s->pl + s->pr + s->kw * s->dw;
  for (int p = 0; p < s->n * s->c; p++)
    for (int oy = 0; oy < s->oh; oy++)
      for (int ox = 0; ox < s->ow; ox++) {
        double acc = is_max ? -INFINITY : 0.0;
        int cnt = 0;
        for (int ky = 0; ky < s->kh; ky++)
          for (int kx = 0; kx < s->kw; kx++) {
            int py = oy * s->sh + ky * s->dh, px = ox * s->sw + kx * s->dw;
            int iy = py - s->pt, ix = px - s->pl;
            int inside = iy >= 0 && iy < s->h && ix >= 0 && ix < s->w;
            int in_pad = py < s->h + s->pt + s->pb && px < s->w + s->pl + s->pr && py < PH && px < PW;
            if (inside) {
              float v = x[((size_t)p * s->h + iy) * s->w + ix];
              acc = is_max ? (v > acc ? v : acc) : acc + v;
            }
            cnt += s->count_include_pad ? in_pad : inside;
          }
        y[((size_t)p * s->oh + oy) * s->ow + ox] = is_max ? (float)acc : (float)(acc / cnt);
      }
}

static void pool_random(void) {
  const int cfg[][9] = {/* h w k s d pad ceil incl */ {7, 7, 3, 2, 1, 1, 0, 0, 0},
                        {7, 7, 3, 2, 1, 1, 1, 1, 0}, {13, 11, 2, 2, 1, 0, 1, 0, 0},
                        {5, 5, 3, 1, 1, 2, 0, 1, 0}, {9, 8, 3, 2, 2, 1, 1, 0, 0},
                        {1, 1, 1, 1, 1, 0, 0, 0, 0}, {6, 9, 4, 3, 1, 2, 1, 1, 0}};
  for (size_t i = 0; i < sizeof(cfg) / sizeof(cfg[0]); i++) {
    const int *c = cfg[i];
    ew_pool_shape s = {2, 3, c[0], c[1], c[2], c[2], c[3], c[3], c[4], c[4], c[5], c[5], c[5],
                       c[5], c[6], c[7], 0, 0};
    TU_CHECK(ew_pool_shape_finish(&s) == 0, "pool cfg %zu", i);
    size_t nx = 6 * (size_t)c[0] * c[1], ny = 6 * (size_t)s.oh * s.ow;
    float *x = tu_rand(nx, -1, 1), *y = malloc(ny * 4), *r = malloc(ny * 4);
    char what[64];
    for (int is_max = 0; is_max < 2; is_max++) {
      if (!is_max && s.dh != 1) continue;
      if (is_max) ew_maxpool_f32(&s, x, y); else ew_avgpool_f32(&s, x, y);
      pool_brute(&s, x, is_max, r);
      snprintf(what, sizeof(what), "%s cfg %zu", is_max ? "maxpool" : "avgpool", i);
      tu_close(what, y, r, NULL, ny, 1e-6f, 1e-6f);
    }
    free(x); free(y); free(r);
  }
  float g[3 * 5] = {1, 2, 3, 4, 5, -1, -2, -3, -4, -5, 0, 0, 0, 0, 7}, ga[3], gm[3];
  ew_global_avgpool_f32(3, 5, g, ga);
  ew_global_maxpool_f32(3, 5, g, gm);
  const float wa[3] = {3, -3, 1.4f}, wm[3] = {5, -1, 7};
  tu_close("global avg", ga, wa, NULL, 3, 1e-6f, 0);
  tu_close("global max", gm, wm, NULL, 3, 0, 0);
}

static void binary(void) {
  static const struct { int ar, br, yr; uint32_t ad[4], bd[4], yd[4]; } c[] = {
      {4, 4, 4, {2, 3, 4, 5}, {1, 3, 1, 1}, {2, 3, 4, 5}}, {4, 1, 4, {2, 3, 4, 5}, {5}, {2, 3, 4, 5}},
      {1, 2, 2, {1}, {2, 3}, {2, 3}}, {3, 3, 3, {3, 1, 5}, {1, 4, 1}, {3, 4, 5}},
      {2, 2, 2, {4, 13}, {4, 13}, {4, 13}}, {0, 2, 2, {0}, {3, 7}, {3, 7}}};
  for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
    size_t na = 1, nb = 1, ny = 1;
    for (int d = 0; d < c[i].ar; d++) na *= c[i].ad[d];
    for (int d = 0; d < c[i].br; d++) nb *= c[i].bd[d];
    for (int d = 0; d < c[i].yr; d++) ny *= c[i].yd[d];
    float *a = tu_rand(na, -2, 2), *b = tu_rand(nb, -2, 2), *y = malloc(ny * 4), *r = malloc(ny * 4);
    for (int op = 0; op < 2; op++) {
      for (size_t o = 0; o < ny; o++) { /* naive: unravel o, clamp broadcast dims to 0 */
        size_t rem = o, ia = 0, ib = 0, sa = 1, sb = 1;
        for (int d = c[i].yr - 1; d >= 0; d--) {
          size_t idx = rem % c[i].yd[d];
          rem /= c[i].yd[d];
          int da = d - (c[i].yr - c[i].ar), db = d - (c[i].yr - c[i].br);
          if (da >= 0) { ia += (c[i].ad[da] == 1 ? 0 : idx) * sa; sa *= c[i].ad[da]; }
          if (db >= 0) { ib += (c[i].bd[db] == 1 ? 0 : idx) * sb; sb *= c[i].bd[db]; }
        }
        r[o] = op == EW_BIN_ADD ? a[ia] + b[ib] : a[ia] * b[ib];
      }
      static const ew_binary_impl *impls[] = {
#define EW_BINARY_IMPL(NAME) &ew_binary_##NAME,
#include "kernels.inc"
      };
      for (size_t k = 0; k < sizeof(impls) / sizeof(impls[0]); k++) {
        int rc = ew_binary_f32(impls[k], op, a, c[i].ad, c[i].ar, b, c[i].bd, c[i].br, y,
                               c[i].yd, c[i].yr);
        char what[64];
        snprintf(what, sizeof(what), "%s op %d case %zu", impls[k]->name, op, i);
        TU_CHECK(rc == 0, "%s refused", what);
        tu_close(what, y, r, NULL, ny, 1e-6f, 0);
      }
    }
    free(a); free(b); free(y); free(r);
  }
  uint32_t d23[2] = {2, 3}, d4[1] = {4}, d24[2] = {2, 4};
  TU_CHECK(ew_binary_f32(NULL, 0, NULL, d23, 2, NULL, d4, 1, NULL, d23, 2) == -1, "[2,3]+[4]");
  TU_CHECK(ew_binary_f32(NULL, 0, NULL, d23, 2, NULL, d23, 2, NULL, d24, 2) == -1, "y too big");
}

static void movement(void) {
  float *a = tu_rand(24, -1, 1), *b = tu_rand(40, -1, 1), y[64], a2[24], b2[40];
  const float *xs[2] = {a, b};
  float *ys[2] = {a2, b2};
  size_t ad[2] = {3, 5};
  ew_concat_f32(2, 4, 2, xs, ad, y); /* [2,3,4] ++ [2,5,4] along axis 1 */
  TU_CHECK(y[0] == a[0] && y[12] == b[0] && y[32] == a[12], "concat layout");
  ew_split_f32(2, 4, y, 2, ys, ad);
  tu_close("split(concat) a", a2, a, NULL, 24, 0, 0);
  tu_close("split(concat) b", b2, b, NULL, 40, 0, 0);
  /* transpose [2,3,4,5] perm [0,2,3,1] */
  float *x = tu_rand(120, -1, 1), t[120];
  uint32_t xd[4] = {2, 3, 4, 5}, perm[4] = {0, 2, 3, 1};
  ew_transpose_f32(x, xd, 4, perm, t);
  int ok = 1;
  for (int n = 0; n < 2; n++) for (int c = 0; c < 3; c++) for (int h = 0; h < 4; h++)
    for (int w = 0; w < 5; w++) ok &= t[((n * 4 + h) * 5 + w) * 3 + c] == x[((n * 3 + c) * 4 + h) * 5 + w];
  TU_CHECK(ok, "transpose NCHW->NHWC");
  /* ONNX Pad examples */
  const float px[6] = {1.0f, 1.2f, 2.3f, 3.4f, 4.5f, 5.7f};
  uint32_t pd[2] = {3, 2}, pads[4] = {0, 2, 0, 0};
  const float want_reflect[12] = {1.0f, 1.2f, 1.0f, 1.2f, 2.3f, 3.4f, 2.3f, 3.4f, 4.5f, 5.7f, 4.5f, 5.7f};
  const float want_edge[12] = {1.0f, 1.0f, 1.0f, 1.2f, 2.3f, 2.3f, 2.3f, 3.4f, 4.5f, 4.5f, 4.5f, 5.7f};
  const float want_const[12] = {0, 0, 1.0f, 1.2f, 0, 0, 2.3f, 3.4f, 0, 0, 4.5f, 5.7f};
  float py[12];
  ew_pad_f32(px, pd, 2, pads, EW_PAD_REFLECT, 0, py);
  tu_close("pad reflect (ONNX)", py, want_reflect, NULL, 12, 0, 0);
  ew_pad_f32(px, pd, 2, pads, EW_PAD_EDGE, 0, py);
  tu_close("pad edge (ONNX)", py, want_edge, NULL, 12, 0, 0);
  ew_pad_f32(px, pd, 2, pads, EW_PAD_CONSTANT, 0, py);
  tu_close("pad constant (ONNX)", py, want_const, NULL, 12, 0, 0);
  free(a); free(b); free(x);
}

static void softmax_lrn(void) {
  float *x = tu_rand(2 * 7 * 3, -5, 5), y[42], r[42];
  x[0] = 1000.0f; /* must not overflow */
  ew_softmax_f32(2, 7, 3, x, y);
  for (int o = 0; o < 2; o++) for (int i = 0; i < 3; i++) {
    double mx = -1e30, sum = 0;
    for (int a = 0; a < 7; a++) mx = x[(o * 7 + a) * 3 + i] > mx ? x[(o * 7 + a) * 3 + i] : mx;
    for (int a = 0; a < 7; a++) sum += exp(x[(o * 7 + a) * 3 + i] - mx);
    for (int a = 0; a < 7; a++) r[(o * 7 + a) * 3 + i] = (float)(exp(x[(o * 7 + a) * 3 + i] - mx) / sum);
  }
  tu_close("softmax axis 1", y, r, NULL, 42, 1e-6f, 1e-7f);
  float *l = tu_rand(2 * 5 * 6, -2, 2), ly[60], lr[60];
  ew_lrn_f32(2, 5, 6, 3, 1e-2f, 0.75f, 1.0f, l, ly);
  for (int n = 0; n < 2; n++) for (int c = 0; c < 5; c++) for (int p = 0; p < 6; p++) {
    double sq = 0;
    for (int k = c - 1; k <= c + 1; k++) if (k >= 0 && k < 5) sq += (double)l[(n * 5 + k) * 6 + p] * l[(n * 5 + k) * 6 + p];
    lr[(n * 5 + c) * 6 + p] = (float)(l[(n * 5 + c) * 6 + p] / pow(1.0 + 1e-2 / 3 * sq, 0.75));
  }
  tu_close("lrn size 3", ly, lr, NULL, 60, 1e-5f, 1e-7f);
  free(x); free(l);
}

static void fc(ew_pool *pool) {
  const size_t Bs[] = {1, 5}, Ns[] = {1, 10, 17}, Ks[] = {1, 9, 300};
  for (size_t bi = 0; bi < 2; bi++) for (size_t ni = 0; ni < 3; ni++) for (size_t ki = 0; ki < 3; ki++) {
    size_t B = Bs[bi], N = Ns[ni], K = Ks[ki];
    float *x = tu_rand(B * K, -1, 1), *w = tu_rand(N * K, -1, 1), *bias = tu_rand(N, -1, 1);
    float *wp = malloc(ew_pack_a_floats(N, K) * 4), *y = malloc(B * N * 4), *r = malloc(B * N * 4);
    float *ws = malloc((ew_fc_workspace_floats(B, N, 3) + 1) * 4);
    ew_pack_a_f32(N, K, w, K, wp);
    ew_act relu = {EW_ACT_RELU, 0, 0};
    for (size_t b = 0; b < B; b++) for (size_t n = 0; n < N; n++) {
      double acc = bias[n];
      for (size_t k = 0; k < K; k++) acc += (double)x[b * K + k] * w[n * K + k];
      r[b * N + n] = acc > 0 ? (float)acc : 0.0f;
    }
    const ew_gemm_ops *ops[2] = {&ew_gemm_ops_neon, &ew_gemm_ops_scalar};
    for (int o = 0; o < 2; o++) {
      ew_fc_f32(ops[o], B, N, K, x, wp, bias, &relu, y, ws, o ? NULL : pool);
      char what[64];
      snprintf(what, sizeof(what), "fc %s B=%zu N=%zu K=%zu", ops[o]->name, B, N, K);
      tu_close(what, y, r, NULL, B * N, 1e-5f, 1e-5f);
    }
    free(x); free(w); free(bias); free(wp); free(y); free(r); free(ws);
  }
}

static void count_task(void *ctx, size_t t, int thread) {
  (void)thread;
  __atomic_fetch_add((long *)ctx, (long)t + 1, __ATOMIC_RELAXED);
}

static void pool_tests(void) {
  int cpus[1] = {0};
  ew_pool *p = ew_pool_create(4, cpus, 1); /* all pinned to CPU 0: must still finish */
  TU_CHECK(p && ew_pool_threads(p) == 4, "pool of 4");
  for (int rep = 0; rep < 50; rep++) {
    long sum = 0;
    ew_pool_run(p, 100, count_task, &sum);
    TU_CHECK(sum == 5050, "pool run sum %ld", sum);
  }
  ew_pool_destroy(p);
  TU_CHECK(ew_pool_create(0, NULL, 0) == NULL, "0 threads refused");
}

/* a fake sysfs with 4 LITTLE (capacity 446) and 2 big (1024) cores, one CPU id missing */
static void big_little(void) {
  char root[] = "/tmp/ew_sysfs_XXXXXX";
  if (!mkdtemp(root)) { TU_CHECK(0, "mkdtemp"); return; }
  const int ids[] = {0, 1, 2, 3, 5, 6};
  const int caps[] = {446, 446, 446, 446, 1024, 1024};
  char path[256];
  for (int i = 0; i < 6; i++) {
    snprintf(path, sizeof(path), "%s/cpu%d", root, ids[i]);
    mkdir(path, 0700);
    snprintf(path, sizeof(path), "%s/cpu%d/cpu_capacity", root, ids[i]);
    FILE *f = fopen(path, "w");
    if (f) { fprintf(f, "%d\n", caps[i]); fclose(f); }
  }
  int cpus[8] = {0};
  int n = ew_cpu_fastest(root, cpus, 8);
  TU_CHECK(n == 2 && cpus[0] == 5 && cpus[1] == 6, "big cores: n=%d [%d,%d]", n, cpus[0], cpus[1]);
  TU_CHECK(ew_cpu_fastest("/nonexistent", cpus, 8) == 0, "no sysfs -> 0");
  for (int i = 0; i < 6; i++) {
    snprintf(path, sizeof(path), "%s/cpu%d/cpu_capacity", root, ids[i]);
    remove(path);
    snprintf(path, sizeof(path), "%s/cpu%d", root, ids[i]);
    rmdir(path);
  }
  rmdir(root);
}

int main(void) {
  tu_seed(3);
  ew_pool *pool = ew_pool_create(3, NULL, 0);
  activations();
  pool_onnx_cases();
  pool_random();
  binary();
  movement();
  softmax_lrn();
  fc(pool);
  pool_tests();
  big_little();
  ew_pool_destroy(pool);
  return tu_finish("test_ops");
}
