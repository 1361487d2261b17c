#ifndef EW_THREADPOOL_H
#define EW_THREADPOOL_H
#include <stddef.h>

/* A fixed set of workers; the calling thread takes part as thread 0, so a pool of 1 starts no
 * thread at all. Tasks are handed out dynamically (atomic counter) so uneven tasks balance. */
typedef struct ew_pool ew_pool;
typedef void (*ew_task_fn)(void *ctx, size_t task, int thread);

/* cpus: optional list of ncpus CPU ids; thread i is pinned to cpus[i % ncpus]. Returns NULL
 * when threads cannot be created. */
ew_pool *ew_pool_create(int nthreads, const int *cpus, int ncpus);
void ew_pool_destroy(ew_pool *pool);
int ew_pool_threads(const ew_pool *pool); /* 1 for NULL */
/* Runs fn(ctx, t, thread) for t in [0, ntasks) and returns when all are done. pool may be
 * NULL (serial). Not reentrant: kernels never call it from inside a task. */
void ew_pool_run(ew_pool *pool, size_t ntasks, ew_task_fn fn, void *ctx);

/* big.LITTLE: the CPUs with the highest capacity (sysfs cpu_capacity, else cpufreq
 * cpuinfo_max_freq), in id order, so a session can pin its threads to the big cores.
 * sysfs_root is normally "/sys/devices/system/cpu" (tests pass a fake tree). Returns how many
 * were written to cpus, 0 when nothing is known (no sysfs, emulation). */
int ew_cpu_fastest(const char *sysfs_root, int *cpus, int max);
#endif
