/* int8 plans through the loader and the executor: QUANTIZE -> CONV_IM2COL_S8GEMM (uint8 out,
 * Relu) -> CONV1X1_S8GEMM (int8 out, int32 bias) -> DEQUANTIZE -> QUANTIZE -> GEMM_S8 (fp32 out,
 * Clip). The output must equal a plain reference (ONNX formulas on unpacked data) within one
 * step, NEON and scalar sessions must agree bit for bit, invalid quantization parameters are
 * refused with the right code, and bit-flipped copies load-or-error without crashing. */
#include <float.h>
#include <string.h>
#include "edgewise/rt.h"
#include "kernels.h"
#include "kernels_s8.h"
#include "plan_builder.h"
#include "testutil.h"

#define DT(x) EDGEWISE__PLAN__DATA_TYPE__DT_##x
#define KID(x) EDGEWISE__PLAN__KERNEL_ID__##x

enum { C = 3, H = 7, W = 6, M1 = 5, M2 = 4, N = 10, HW = H * W };
static const float SX = 0.05f, S1 = 0.03f, S2 = 0.04f, S3 = 0.02f;
static const int ZX = 100, Z1 = 10, Z2 = -3, Z3 = 128;
static int8_t w1[M1 * C * 9], w2[M2 * M1], w3[N * M2 * HW];
static float sw1[M1], b1[M1], sw2 = 0.01f, sw3 = 3e-4f, b3[N];
static int32_t b2[M2];
static float input[C * HW];

static Edgewise__Plan__QuantParams quants[5];

static uint32_t typed(pbld *b, const char *name, int rank, const uint32_t *dims, int dtype) {
  uint32_t id = pbld_tensor(b, name, rank, dims);
  Edgewise__Plan__Tensor *t = pbld_plan(b)->tensors[id];
  t->dtype = (Edgewise__Plan__DataType)dtype;
  if (dtype != DT(F32)) t->byte_size /= 4;
  return id;
}

/* a blob of raw bytes of the given dtype (pbld_blob's buffer is large enough) */
static uint32_t raw_blob(pbld *b, const void *data, size_t bytes, int layout, int dtype) {
  float zeros[1024] = {0};
  uint32_t id = pbld_blob(b, zeros, (bytes + 3) / 4, layout);
  Edgewise__Plan__Blob *bl = pbld_plan(b)->blobs[id];
  memcpy(bl->data.data, data, bytes);
  bl->data.len = bytes;
  bl->dtype = (Edgewise__Plan__DataType)dtype;
  return id;
}

static Edgewise__Plan__QuantParams *quant(int i, float si, int zi, float so, int zo, float *ws, size_t nws) {
  Edgewise__Plan__QuantParams *q = &quants[i];
  edgewise__plan__quant_params__init(q);
  q->input_scale = si; q->input_zero_point = zi; q->output_scale = so; q->output_zero_point = zo;
  q->weight_scales = ws; q->n_weight_scales = nws;
  return q;
}

static uint8_t *build(size_t *len, void (*mutate)(Edgewise__Plan__Plan *)) {
  pbld *b = pbld_new();
  uint32_t dx[4] = {1, C, H, W}, d1[4] = {1, M1, H, W}, d2[4] = {1, M2, H, W}, dy[2] = {1, N};
  uint32_t x = pbld_tensor(b, "x", 4, dx), xq = typed(b, "xq", 4, dx, DT(U8));
  uint32_t y1 = typed(b, "y1", 4, d1, DT(U8)), y2 = typed(b, "y2", 4, d2, DT(I8));
  uint32_t y2f = pbld_tensor(b, "y2f", 4, d2), y2q = typed(b, "y2q", 4, d2, DT(U8));
  uint32_t y = pbld_tensor(b, "y", 2, dy);
  Edgewise__Plan__Op *op = pbld_op(b, KID(QUANTIZE), "q", 1, &x, 1, &xq);
  op->quant = quant(0, 0, 0, SX, ZX, NULL, 0);
  op = pbld_op(b, KID(CONV_IM2COL_S8GEMM), "conv1", 1, &xq, 1, &y1);
  pbld_conv(b, op, 3, 3, 1, 1, 1, 1, M1);
  pbld_weights(b, op, raw_blob(b, w1, sizeof(w1), EDGEWISE__PLAN__LAYOUT__LAYOUT_OIHW, DT(I8)), 1,
               pbld_blob(b, b1, M1, EDGEWISE__PLAN__LAYOUT__LAYOUT_RAW));
  pbld_act(b, op, EW_ACT_RELU, 0, 0);
  op->quant = quant(1, SX, ZX, S1, Z1, sw1, M1);
  op = pbld_op(b, KID(CONV1X1_S8GEMM), "conv2", 1, &y1, 1, &y2);
  pbld_conv(b, op, 1, 1, 1, 1, 0, 1, M2);
  pbld_weights(b, op, raw_blob(b, w2, sizeof(w2), EDGEWISE__PLAN__LAYOUT__LAYOUT_OIHW, DT(I8)), 1,
               raw_blob(b, b2, sizeof(b2), EDGEWISE__PLAN__LAYOUT__LAYOUT_RAW, DT(I32)));
  op->quant = quant(2, S1, Z1, S2, Z2, &sw2, 1);
  op = pbld_op(b, KID(DEQUANTIZE), "dq", 1, &y2, 1, &y2f);
  op->quant = quant(3, S2, Z2, 0, 0, NULL, 0);
  op = pbld_op(b, KID(QUANTIZE), "q2", 1, &y2f, 1, &y2q);
  op->quant = quant(4, 0, 0, S3, Z3, NULL, 0);
  op = pbld_op(b, KID(GEMM_S8), "fc", 1, &y2q, 1, &y);
  pbld_weights(b, op, raw_blob(b, w3, sizeof(w3), EDGEWISE__PLAN__LAYOUT__LAYOUT_OI, DT(I8)), 1,
               pbld_blob(b, b3, N, EDGEWISE__PLAN__LAYOUT__LAYOUT_RAW));
  pbld_act(b, op, EW_ACT_CLIP, -1.0f, 1.0f);
  static Edgewise__Plan__QuantParams fcq;
  edgewise__plan__quant_params__init(&fcq);
  fcq.input_scale = S3; fcq.input_zero_point = Z3; fcq.weight_scales = &sw3; fcq.n_weight_scales = 1;
  op->quant = &fcq;
  pbld_io(b, x, y);
  if (mutate) mutate(pbld_plan(b));
  uint8_t *buf = pbld_pack(b, len);
  pbld_free(b);
  return buf;
}

/* ---- reference: the ONNX formulas on unpacked data ------------------------------------------ */
static int32_t sat(int32_t v, int u8) { int lo = u8 ? 0 : -128, hi = u8 ? 255 : 127; return v < lo ? lo : v > hi ? hi : v; }
static int32_t quantize1(float x, float s, int zp, int u8) { return sat((int32_t)nearbyintf(x / s) + zp, u8); }
static int32_t requant(int32_t acc, float mult, float add, int zp, int u8, float lo) {
  float f = (float)acc * mult + add;
  f = f < lo ? lo : f;
  return sat((int32_t)nearbyintf(f) + zp, u8);
}

static void reference(float *y) {
  int32_t xq[C * HW], y1[M1 * HW], y2[M2 * HW], y2q[M2 * HW];
  for (int i = 0; i < C * HW; i++) xq[i] = quantize1(input[i], SX, ZX, 1);
  for (int m = 0; m < M1; m++)
    for (int p = 0; p < HW; p++) {
      int32_t acc = 0;
      for (int c = 0; c < C; c++)
        for (int k = 0; k < 9; k++) {
          int iy = p / W + k / 3 - 1, ix = p % W + k % 3 - 1;
          if (iy >= 0 && iy < H && ix >= 0 && ix < W) acc += w1[(m * C + c) * 9 + k] * (xq[c * HW + iy * W + ix] - ZX);
        }
      y1[m * HW + p] = requant(acc, SX * sw1[m] / S1, b1[m] / S1, Z1, 1, (float)(0 - 0)); /* Relu: real >= 0 */
    }
  for (int m = 0; m < M2; m++)
    for (int p = 0; p < HW; p++) {
      int32_t acc = b2[m];
      for (int c = 0; c < M1; c++) acc += w2[m * M1 + c] * (y1[c * HW + p] - Z1);
      y2[m * HW + p] = requant(acc, S1 * sw2 / S2, 0, Z2, 0, -FLT_MAX);
    }
  for (int i = 0; i < M2 * HW; i++) y2q[i] = quantize1((float)(y2[i] - Z2) * S2, S3, Z3, 1);
  for (int n = 0; n < N; n++) {
    int32_t acc = 0;
    for (int k = 0; k < M2 * HW; k++) acc += w3[n * M2 * HW + k] * (y2q[k] - Z3);
    float f = (float)acc * (S3 * sw3) + b3[n];
    y[n] = f < -1 ? -1 : f > 1 ? 1 : f;
  }
}

static int run(const uint8_t *plan, size_t len, int scalar, int threads, float *y) {
  ew_model *m = NULL;
  ew_session *s = NULL;
  ew_error err = {0, ""};
  ew_session_options o = {threads, NULL, 0, scalar, 0};
  int rc = ew_model_load(plan, len, &m, &err);
  if (!rc) rc = ew_session_create(m, &o, &s, &err);
  if (!rc) {
    memcpy(ew_session_input(s, 0), input, sizeof(input));
    rc = ew_session_run(s, NULL, &err);
    if (y) memcpy(y, ew_session_output(s, 0), N * sizeof(float));
  }
  ew_session_free(s);
  ew_model_free(m);
  return rc;
}

/* ---- invalid plans ---------------------------------------------------------------------------- */
static Edgewise__Plan__Op *find(Edgewise__Plan__Plan *p, const char *name) {
  for (size_t i = 0; i < p->n_ops; i++) if (!strcmp(p->ops[i]->name, name)) return p->ops[i];
  return NULL;
}
static void m_zero_point(Edgewise__Plan__Plan *p) { find(p, "q")->quant->output_zero_point = 300; }
static void m_scale(Edgewise__Plan__Plan *p) { find(p, "conv1")->quant->input_scale = 0; }
static void m_no_quant(Edgewise__Plan__Plan *p) { find(p, "dq")->quant = NULL; }
static void m_sigmoid(Edgewise__Plan__Plan *p) { find(p, "conv1")->activation->kind = EDGEWISE__PLAN__ACTIVATION_KIND__ACT_SIGMOID; }
static void m_f32_weight(Edgewise__Plan__Plan *p) { p->blobs[find(p, "conv2")->weight->index]->dtype = DT(F32); }
static void m_wscales(Edgewise__Plan__Plan *p) { find(p, "conv1")->quant->n_weight_scales = 2; }
static void m_u8_to_fp32_op(Edgewise__Plan__Plan *p) { find(p, "q2")->kernel = KID(RELU); }
static void m_quantize_f32_out(Edgewise__Plan__Plan *p) {
  Edgewise__Plan__Tensor *t = p->tensors[find(p, "q")->outputs[0]];
  t->dtype = DT(F32);
  t->byte_size *= 4;
}

static void invalid_plans(void) {
  static const struct { const char *name; void (*f)(Edgewise__Plan__Plan *); int code; } cases[] = {
      {"zero point 300", m_zero_point, EW_ERR_INVALID}, {"scale 0", m_scale, EW_ERR_INVALID},
      {"no QuantParams", m_no_quant, EW_ERR_INVALID}, {"sigmoid", m_sigmoid, EW_ERR_UNSUPPORTED},
      {"f32 weights", m_f32_weight, EW_ERR_INVALID}, {"2 weight scales", m_wscales, EW_ERR_INVALID},
      {"u8 into RELU", m_u8_to_fp32_op, EW_ERR_INVALID}, {"quantize to f32", m_quantize_f32_out, EW_ERR_INVALID}};
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    size_t len;
    uint8_t *plan = build(&len, cases[i].f);
    ew_model *m = NULL;
    ew_error err = {0, ""};
    int rc = ew_model_load(plan, len, &m, &err);
    TU_CHECK(rc == cases[i].code, "%s: got %s (%s)", cases[i].name, ew_status_name(rc), err.message);
    printf("  %-18s -> %s: %s\n", cases[i].name, ew_status_name(rc), err.message);
    ew_model_free(m);
    free(plan);
  }
}

int main(void) {
  tu_seed(3);
  for (size_t i = 0; i < sizeof(w1); i++) w1[i] = (int8_t)(tu_u32() % 255 - 127);
  for (size_t i = 0; i < sizeof(w2); i++) w2[i] = (int8_t)(tu_u32() % 255 - 127);
  for (size_t i = 0; i < sizeof(w3); i++) w3[i] = (int8_t)(tu_u32() % 255 - 127);
  for (int i = 0; i < M1; i++) { sw1[i] = tu_uniform(0.002f, 0.01f); b1[i] = tu_uniform(-0.5f, 0.5f); }
  for (int i = 0; i < M2; i++) b2[i] = (int32_t)(tu_u32() % 4001) - 2000;
  for (int i = 0; i < N; i++) b3[i] = tu_uniform(-0.2f, 0.2f);
  for (int i = 0; i < C * HW; i++) input[i] = tu_uniform(-5, 7);
  size_t len;
  uint8_t *plan = build(&len, NULL);
  float want[N], neon[N], scalar[N], threaded[N];
  reference(want);
  TU_CHECK(run(plan, len, 0, 1, neon) == EW_OK, "NEON run");
  TU_CHECK(run(plan, len, 1, 1, scalar) == EW_OK, "scalar run");
  TU_CHECK(run(plan, len, 0, 3, threaded) == EW_OK, "3-thread run");
  TU_CHECK(!memcmp(neon, scalar, sizeof(neon)) && !memcmp(neon, threaded, sizeof(neon)),
           "NEON, scalar and threaded int8 plans differ");
  /* one step of the last layer's output: its input step times the weight scale, over K products */
  float step = S3 * sw3 * 127;
  float scale[N];
  for (int i = 0; i < N; i++) scale[i] = 0;
  tu_close("int8 plan vs reference", neon, want, scale, N, 0, step);
  int inside = 0;
  for (int i = 0; i < N; i++) inside += want[i] > -1 && want[i] < 1;
  TU_CHECK(inside >= N / 2, "only %d of %d outputs inside the Clip: the test would not see errors", inside, N);
  invalid_plans();
  /* bit flips: every corrupted copy loads or is refused, and runs when it loads */
  int ok = 0, refused = 0;
  uint8_t *copy = malloc(len);
  for (int i = 0; i < (TU_BIG ? 2000 : 600); i++) {
    memcpy(copy, plan, len);
    for (int k = 0; k < 1 + (int)(tu_u32() % 3); k++) copy[tu_u32() % len] ^= (uint8_t)(1u << (tu_u32() % 8));
    if (run(copy, len, i % 2, 1, NULL) == EW_OK) ok++; else refused++;
  }
  printf("corrupt int8 plans: %d accepted (harmless flips), %d refused\n", ok, refused);
  free(copy);
  free(plan);
  return tu_finish("test_qplan");
}
