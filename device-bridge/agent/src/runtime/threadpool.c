#define _GNU_SOURCE
#include "threadpool.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

struct ew_pool {
  int nthreads;
  pthread_t *threads;
  pthread_mutex_t mu;
  pthread_cond_t start_cv, done_cv;
  unsigned long generation; /* bumped per job; workers wait for a change */
  int busy;                 /* workers still inside the current job */
  int quit;
  ew_task_fn fn;
  void *ctx;
  size_t ntasks;
  atomic_size_t next;
  int *cpus;
  int ncpus;
};

typedef struct worker_arg { ew_pool *pool; int index; } worker_arg;

static void pin(const ew_pool *p, int index) {
  if (!p->cpus || p->ncpus <= 0) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(p->cpus[index % p->ncpus], &set);
  /* best effort: a CPU that is offline or outside the cgroup must not stop the run */
  (void)pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void drain(ew_pool *p, int index) {
  for (;;) {
    size_t t = atomic_fetch_add(&p->next, 1);
    if (t >= p->ntasks) return;
    p->fn(p->ctx, t, index);
  }
}

static void *worker(void *argp) {
  worker_arg *arg = argp;
  ew_pool *p = arg->pool;
  int index = arg->index;
  free(arg);
  pin(p, index);
  unsigned long seen = 0;
  pthread_mutex_lock(&p->mu);
  for (;;) {
    while (!p->quit && p->generation == seen) pthread_cond_wait(&p->start_cv, &p->mu);
    if (p->quit) break;
    seen = p->generation;
    pthread_mutex_unlock(&p->mu);
    drain(p, index);
    pthread_mutex_lock(&p->mu);
    if (--p->busy == 0) pthread_cond_signal(&p->done_cv);
  }
  pthread_mutex_unlock(&p->mu);
  return NULL;
}

ew_pool *ew_pool_create(int nthreads, const int *cpus, int ncpus) {
  if (nthreads < 1 || nthreads > 256) return NULL;
  ew_pool *p = calloc(1, sizeof(*p));
  if (!p) return NULL;
  p->nthreads = 1;
  pthread_mutex_init(&p->mu, NULL);
  pthread_cond_init(&p->start_cv, NULL);
  pthread_cond_init(&p->done_cv, NULL);
  if (cpus && ncpus > 0) {
    p->cpus = malloc(sizeof(int) * (size_t)ncpus);
    if (!p->cpus) { ew_pool_destroy(p); return NULL; }
    for (int i = 0; i < ncpus; i++) p->cpus[i] = cpus[i];
    p->ncpus = ncpus;
  }
  p->threads = calloc((size_t)nthreads, sizeof(pthread_t));
  if (!p->threads) { ew_pool_destroy(p); return NULL; }
  pin(p, 0);
  for (int i = 1; i < nthreads; i++) {
    worker_arg *arg = malloc(sizeof(*arg));
    if (!arg) { ew_pool_destroy(p); return NULL; }
    arg->pool = p;
    arg->index = i;
    if (pthread_create(&p->threads[i], NULL, worker, arg) != 0) {
      free(arg);
      ew_pool_destroy(p);
      return NULL;
    }
    p->nthreads = i + 1;
  }
  return p;
}

void ew_pool_destroy(ew_pool *p) {
  if (!p) return;
  pthread_mutex_lock(&p->mu);
  p->quit = 1;
  pthread_cond_broadcast(&p->start_cv);
  pthread_mutex_unlock(&p->mu);
  for (int i = 1; i < p->nthreads; i++) pthread_join(p->threads[i], NULL);
  pthread_mutex_destroy(&p->mu);
  pthread_cond_destroy(&p->start_cv);
  pthread_cond_destroy(&p->done_cv);
  free(p->threads);
  free(p->cpus);
  free(p);
}

int ew_pool_threads(const ew_pool *p) { return p ? p->nthreads : 1; }

void ew_pool_run(ew_pool *p, size_t ntasks, ew_task_fn fn, void *ctx) {
  if (ntasks == 0) return;
  if (!p || p->nthreads == 1 || ntasks == 1) {
    for (size_t t = 0; t < ntasks; t++) fn(ctx, t, 0);
    return;
  }
  pthread_mutex_lock(&p->mu);
  p->fn = fn;
  p->ctx = ctx;
  p->ntasks = ntasks;
  atomic_store(&p->next, 0);
  p->busy = p->nthreads - 1;
  p->generation++;
  pthread_cond_broadcast(&p->start_cv);
  pthread_mutex_unlock(&p->mu);
  drain(p, 0);
  pthread_mutex_lock(&p->mu);
  while (p->busy > 0) pthread_cond_wait(&p->done_cv, &p->mu);
  pthread_mutex_unlock(&p->mu);
}
