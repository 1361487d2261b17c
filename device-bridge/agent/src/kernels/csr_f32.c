/* CSR construction and validation, and the threaded sparse layers (sparse.h). */
#include "sparse.h"
#include "../runtime/threadpool.h"

const char *ew_csr_check(size_t rows, size_t cols, const uint32_t *row_ptr, const uint32_t *col,
                         size_t nnz) {
  if (row_ptr[0] != 0) return "row_ptr[0] is not 0";
  if (row_ptr[rows] != nnz) return "row_ptr[rows] differs from the number of values";
  for (size_t r = 0; r < rows; r++) {
    if (row_ptr[r + 1] < row_ptr[r] || row_ptr[r + 1] > nnz) return "row_ptr not ascending";
    for (size_t i = row_ptr[r]; i < row_ptr[r + 1]; i++) {
      if (col[i] >= cols) return "column index out of range";
      if (i > row_ptr[r] && col[i] <= col[i - 1]) return "column indices not strictly ascending";
    }
  }
  return NULL;
}

size_t ew_csr_count(size_t rows, size_t cols, const float *w) {
  size_t n = 0;
  for (size_t i = 0; i < rows * cols; i++) n += w[i] != 0.0f;
  return n;
}

void ew_csr_from_dense(size_t rows, size_t cols, const float *w, uint32_t *row_ptr,
                       uint32_t *col, float *val) {
  size_t n = 0;
  row_ptr[0] = 0;
  for (size_t r = 0; r < rows; r++) {
    for (size_t c = 0; c < cols; c++)
      if (w[r * cols + c] != 0.0f) {
        col[n] = (uint32_t)c;
        val[n++] = w[r * cols + c];
      }
    row_ptr[r + 1] = (uint32_t)n;
  }
}

typedef struct sp_ctx {
  const ew_sparse_ops *ops;
  const ew_csr *w;
  size_t hw, chunks, per_chunk;
  const float *x, *bias;
  const ew_act *act;
  float *y;
} sp_ctx;

/* task t: image t / chunks, pixels of chunk t % chunks */
static void spmm_task(void *vc, size_t t, int thread) {
  (void)thread;
  const sp_ctx *c = vc;
  size_t n = t / c->chunks, k = t % c->chunks;
  size_t j0 = k * c->per_chunk, j1 = j0 + c->per_chunk < c->hw ? j0 + c->per_chunk : c->hw;
  const float *x = c->x + n * c->w->cols * c->hw;
  float *y = c->y + n * c->w->rows * c->hw;
  c->ops->spmm(c->w, x, c->hw, j0, j1, c->bias, y);
  for (size_t m = 0; m < c->w->rows; m++) ew_act_apply(c->act, y + m * c->hw + j0, j1 - j0);
}

void ew_conv1x1_csr_f32(const ew_sparse_ops *ops, const ew_csr *w, size_t batch, size_t hw,
                        const float *x, const float *bias, const ew_act *act, float *y,
                        ew_pool *pool) {
  size_t threads = (size_t)ew_pool_threads(pool);
  /* chunks of whole 16-pixel blocks, a few per thread so uneven rows balance */
  size_t blocks = (hw + 15) / 16, want = threads * 4 / (batch ? batch : 1);
  size_t chunks = want < 1 ? 1 : (want > blocks ? blocks : want);
  size_t per = (blocks + chunks - 1) / chunks * 16;
  chunks = (hw + per - 1) / per;
  sp_ctx c = {ops, w, hw, chunks, per, x, bias, act, y};
  ew_pool_run(pool, batch * chunks, spmm_task, &c);
}

static void spmv_task(void *vc, size_t t, int thread) {
  (void)thread;
  const sp_ctx *c = vc;
  size_t n = t / c->chunks, k = t % c->chunks;
  size_t r0 = k * c->per_chunk, r1 = r0 + c->per_chunk < c->w->rows ? r0 + c->per_chunk : c->w->rows;
  float *y = c->y + n * c->w->rows;
  c->ops->spmv(c->w, r0, r1, c->x + n * c->w->cols, c->bias, y);
  if (r1 > r0) ew_act_apply(c->act, y + r0, r1 - r0);
}

void ew_fc_csr_f32(const ew_sparse_ops *ops, const ew_csr *w, size_t batch, const float *x,
                   const float *bias, const ew_act *act, float *y, ew_pool *pool) {
  size_t threads = (size_t)ew_pool_threads(pool), rows = w->rows ? w->rows : 1;
  size_t chunks = threads * 4 < rows ? threads * 4 : rows;
  size_t per = (rows + chunks - 1) / chunks;
  chunks = (rows + per - 1) / per;
  sp_ctx c = {ops, w, 0, chunks, per, x, bias, act, y};
  ew_pool_run(pool, batch * chunks, spmv_task, &c);
}
