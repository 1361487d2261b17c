/* edgewise-agent internals: framing (wire.c), device description (device_info.c),
 * statistics (stats.c), SHA-256 (sha256.c). The protocol is docs/bridge-protocol.md. */
#ifndef EW_AGENT_H
#define EW_AGENT_H
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include "bridge.pb-c.h"
#include "edgewise/rt.h"

#define EW_AGENT_VERSION "0.1.0"
#define EW_PROTOCOL_VERSION 1u
/* Limits on what the wire may ask for; every length, count and index is checked against them. */
#define EW_MAX_MESSAGE (64u << 20)       /* one envelope, input tensors included */
#define EW_MAX_CHUNK (1u << 20)          /* LoadPlan.data */
#define EW_MAX_CPUS 1024u
#ifndef EW_FUZZING
#define EW_MAX_PLAN ((uint64_t)1 << 30)  /* LoadPlan.total_bytes */
#define EW_MAX_ITERATIONS 1000000u
#define EW_MAX_WARMUP 100000u
#define EW_MAX_DURATION 3600.0
#define EW_MAX_THREADS 256u
#define EW_MAX_TUNE_ITERATIONS 10000u
#else /* fuzz/ builds: every request the agent accepts finishes in milliseconds */
#define EW_MAX_PLAN ((uint64_t)16 << 20)
#define EW_MAX_ITERATIONS 8u
#define EW_MAX_WARMUP 4u
#define EW_MAX_DURATION 0.005
#define EW_MAX_THREADS 2u
#define EW_MAX_TUNE_ITERATIONS 4u
#endif
#define EW_MIN_TOKEN 16                  /* characters of a --listen session token */

typedef struct ew_reader {
  int fd;
  size_t pos, len;
  uint8_t buf[1 << 16];
} ew_reader;

enum { EW_WIRE_OK = 1, EW_WIRE_EOF = 0, EW_WIRE_TRUNCATED = -1, EW_WIRE_OVERSIZE = -2,
       EW_WIRE_BADVARINT = -3, EW_WIRE_NOMEM = -4 };
/* Reads one length-delimited message into *msg (malloc'd, caller frees). */
int ew_wire_read(ew_reader *r, uint8_t **msg, size_t *len, uint64_t *declared);
/* 1 when a message (or part of one) is waiting: buffered bytes or a readable fd. */
int ew_wire_pending(ew_reader *r);
/* Packs and writes one envelope to fd; 0 on success, -1 when the host went away. */
int ew_wire_send(int fd, const Edgewise__Bridge__Envelope *env);
/* Envelopes packed (length-delimited) and held until flushed: one write for many messages. */
typedef struct ew_outbuf { uint8_t *buf; size_t len, cap; } ew_outbuf;
int ew_wire_append(ew_outbuf *o, const Edgewise__Bridge__Envelope *env);
int ew_wire_flush(int fd, ew_outbuf *o);
/* Streamed timings wait at most this long in the agent's buffer (bridge-protocol.md, "Timing"). */
#define EW_STREAM_FLUSH_SECONDS 0.02
#define EW_STREAM_FLUSH_BYTES (16u << 10)

/* sysfs_root: cpufreq and sensors; android_root: where system/bin/getprop is looked for */
void ew_device_info(const char *sysfs_root, const char *android_root, Edgewise__Bridge__DeviceInfo *info);
void ew_device_info_free(Edgewise__Bridge__DeviceInfo *info);

typedef struct ew_stats {
  uint32_t count;
  double min, mean, p50, p90, p99, std, max;
} ew_stats;
/* v is sorted in place. Percentiles interpolate linearly between closest ranks. */
void ew_stats_compute(double *v, size_t n, ew_stats *out);

void ew_sha256(const uint8_t *data, size_t len, uint8_t out[32]);
typedef struct plan_upload {
  uint8_t *buf;
  uint64_t total_bytes, filled;
  uint32_t total, next;
  uint8_t sha[32];
} plan_upload;

typedef struct agent {
  ew_reader in;
  int out;
  int hello_done, quit, exit_code;
  plan_upload up;
  ew_model *model;
  uint8_t *plan;          /* the loaded plan's bytes (Autotune builds one-op plans from them) */
  size_t plan_len;
  const char *sysfs_root;
  const char *android_root;
  const char *token;      /* --listen: the session token the first Hello must carry; else NULL */
  ew_outbuf pending;      /* streamed timings not yet written (ew_send_batched) */
  /* heartbeat.c: send_mu serializes every write to out (the heartbeat thread is a second writer) */
  unsigned heartbeat_ms; /* 0: no heartbeat */
  pthread_mutex_t send_mu;
  pthread_t hb_thread;
  int hb_running, hb_stop, busy;
  double last_send;
  uint64_t hb_run_id;
  const char *hb_stage;
  uint32_t hb_done, hb_total;
} agent;

#define EW_MIN_HEARTBEAT_MS 10u
#define EW_MAX_HEARTBEAT_MS 60000u
double ew_mono_seconds(void);
/* Starts the heartbeat thread when heartbeat_ms > 0; 0 when it could not be started. */
int ew_heartbeat_start(agent *a);
void ew_heartbeat_stop(agent *a);
/* Marks the agent busy with a message (heartbeats go out) or idle, waiting for the host. */
void ew_heartbeat_busy(agent *a, int busy, uint64_t run_id, const char *stage);
/* What the next heartbeat says: the run, its stage ("baseline", "warmup", "measuring") and count. */
void ew_heartbeat_stage(agent *a, uint64_t run_id, const char *stage, uint32_t done, uint32_t total);

/* Writes env now (after anything batched, so order is kept); exits 4 when the host went away. */
void ew_send(agent *a, Edgewise__Bridge__Envelope *env);
/* Appends env to the batch; written by ew_flush, by the next ew_send, or when the batch is full. */
void ew_send_batched(agent *a, Edgewise__Bridge__Envelope *env);
void ew_flush(agent *a);
void ew_send_error(agent *a, uint64_t run_id, Edgewise__Bridge__ErrorCode code, int fatal,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void ew_send_progress(agent *a, uint64_t run_id, const char *stage, uint32_t done, uint32_t total);
/* reads and decodes the next message; see agent_main.c */
int ew_agent_next(agent *a, Edgewise__Bridge__Envelope **out);
/* Run: validate, warm up, measure, stream timings, answer Result (run.c) */
void ew_agent_run(agent *a, const Edgewise__Bridge__Run *r);
/* Autotune: time every kernel the runtime accepts for the chosen conv ops (autotune.c) */
void ew_agent_autotune(agent *a, const Edgewise__Bridge__Autotune *t);
/* Messages during a run or autotune: 1 when a Cancel for run_id (or 0) arrived; Bye sets quit;
 * anything else is answered "busy". */
int ew_agent_poll_cancel(agent *a, uint64_t run_id);
/* The session loop until Bye, end of input or a fatal error; then ew_agent_free. */
void ew_agent_serve(agent *a);
void ew_agent_free(agent *a);
/* listen.c: binds a numeric loopback ADDRESS:PORT (anything else refused), prints the
 * "listening on" line on stdout, accepts one connection; its fd, or -1 after a message. */
int ew_listen_accept(const char *spec, double accept_timeout_seconds);
/* constant-time in the length of expected */
int ew_token_equal(const char *expected, const char *got, size_t got_len);
/* android.c: the DeviceInfo.android_properties, from <root>/system/bin/getprop */
void ew_android_properties(const char *root, Edgewise__Bridge__DeviceInfo *info);
void ew_android_properties_free(Edgewise__Bridge__DeviceInfo *info);
#endif
