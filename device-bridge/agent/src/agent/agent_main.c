#define _POSIX_C_SOURCE 200809L
/* edgewise-agent session: Hello (with the session token over TCP), plan upload, dispatch of Run
 * and Autotune (docs/bridge-protocol.md). main() is in main.c so the fuzz target can drive a
 * session from memory. */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "agent.h"
#include "edgewise/rt.h"

static void host_gone(void) {
  fprintf(stderr, "edgewise-agent: the host closed the session's output, exiting\n");
  exit(4);
}

/* send_mu: the heartbeat thread (heartbeat.c) is a second writer of a->out */
void ew_flush(agent *a) {
  pthread_mutex_lock(&a->send_mu);
  int rc = ew_wire_flush(a->out, &a->pending);
  a->last_send = ew_mono_seconds();
  pthread_mutex_unlock(&a->send_mu);
  if (rc != 0) host_gone();
}

void ew_send(agent *a, Edgewise__Bridge__Envelope *env) {
  pthread_mutex_lock(&a->send_mu);
  int rc = ew_wire_flush(a->out, &a->pending); /* what was batched goes first: order is kept */
  if (rc == 0) rc = ew_wire_send(a->out, env);
  a->last_send = ew_mono_seconds();
  pthread_mutex_unlock(&a->send_mu);
  if (rc != 0) host_gone();
}

void ew_send_batched(agent *a, Edgewise__Bridge__Envelope *env) {
  pthread_mutex_lock(&a->send_mu);
  int rc = ew_wire_append(&a->pending, env);
  int full = a->pending.len >= EW_STREAM_FLUSH_BYTES;
  pthread_mutex_unlock(&a->send_mu);
  if (rc != 0) { /* no memory for the batch: write through */
    ew_send(a, env);
    return;
  }
  if (full) ew_flush(a);
}

void ew_send_error(agent *a, uint64_t run_id, Edgewise__Bridge__ErrorCode code, int fatal,
                       const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  Edgewise__Bridge__Error e = EDGEWISE__BRIDGE__ERROR__INIT;
  e.run_id = run_id;
  e.code = code;
  e.message = msg;
  e.fatal = fatal;
  Edgewise__Bridge__Envelope env = EDGEWISE__BRIDGE__ENVELOPE__INIT;
  env.body_case = EDGEWISE__BRIDGE__ENVELOPE__BODY_ERROR;
  env.error = &e;
  ew_send(a, &env);
  if (fatal) {
    a->quit = 1;
    a->exit_code = 2;
  }
}

void ew_send_progress(agent *a, uint64_t run_id, const char *stage, uint32_t done, uint32_t total) {
  Edgewise__Bridge__Progress p = EDGEWISE__BRIDGE__PROGRESS__INIT;
  p.run_id = run_id;
  p.stage = (char *)stage;
  p.done = done;
  p.total = total;
  Edgewise__Bridge__Envelope env = EDGEWISE__BRIDGE__ENVELOPE__INIT;
  env.body_case = EDGEWISE__BRIDGE__ENVELOPE__BODY_PROGRESS;
  env.progress = &p;
  ew_send(a, &env);
}

static void on_hello(agent *a, const Edgewise__Bridge__Hello *h) {
  if (a->token && !a->hello_done &&
      !ew_token_equal(a->token, h->session_token, strlen(h->session_token))) {
    ew_send_error(a, 0, EDGEWISE__BRIDGE__ERROR_CODE__UNAUTHORIZED, 1,
                  "Hello without the right session token: this TCP session is closed");
    return;
  }
  if (h->protocol_version != EW_PROTOCOL_VERSION) {
    ew_send_error(a, 0, EDGEWISE__BRIDGE__ERROR_CODE__VERSION_MISMATCH, 1,
               "protocol version mismatch: host speaks %u, this agent (%s) speaks %u",
               h->protocol_version, EW_AGENT_VERSION, EW_PROTOCOL_VERSION);
    return;
  }
  a->hello_done = 1;
  Edgewise__Bridge__DeviceInfo info;
  ew_device_info(a->sysfs_root, a->android_root, &info);
  Edgewise__Bridge__Envelope env = EDGEWISE__BRIDGE__ENVELOPE__INIT;
  env.body_case = EDGEWISE__BRIDGE__ENVELOPE__BODY_DEVICE_INFO;
  env.device_info = &info;
  ew_send(a, &env);
  ew_device_info_free(&info);
}

static void upload_reset(plan_upload *u) {
  free(u->buf);
  memset(u, 0, sizeof(*u));
}

static void finish_upload(agent *a) {
  plan_upload *u = &a->up;
  uint8_t digest[32];
  ew_sha256(u->buf, (size_t)u->filled, digest);
  if (memcmp(digest, u->sha, 32) != 0) {
    ew_send_error(a, 0, EDGEWISE__BRIDGE__ERROR_CODE__BAD_CHUNK, 0,
               "plan sha256 mismatch over %llu bytes: the upload was corrupted",
               (unsigned long long)u->filled);
    upload_reset(u);
    return;
  }
  ew_model *m = NULL;
  ew_error err = {0};
  int rc = ew_model_load(u->buf, (size_t)u->filled, &m, &err);
  if (rc != EW_OK) {
    upload_reset(u);
    ew_send_error(a, 0, EDGEWISE__BRIDGE__ERROR_CODE__PLAN_REJECTED, 0, "plan rejected (%s): %s",
               ew_status_name(rc), err.message);
    return;
  }
  ew_model_free(a->model);
  free(a->plan);
  a->model = m;
  a->plan = u->buf; /* kept for Autotune */
  a->plan_len = (size_t)u->filled;
  u->buf = NULL;
  upload_reset(u);
  ew_send_progress(a, 0, "plan loaded", 1, 1);
}

static int chunk_error(agent *a, const char *fmt, unsigned long long x, unsigned long long y) {
  ew_send_error(a, 0, EDGEWISE__BRIDGE__ERROR_CODE__BAD_CHUNK, 0, fmt, x, y);
  upload_reset(&a->up);
  return 0;
}

static void on_load_plan(agent *a, const Edgewise__Bridge__LoadPlan *c) {
  plan_upload *u = &a->up;
  if (c->index == 0) {
    upload_reset(u);
    if (c->total == 0 || c->total_bytes == 0 || c->total_bytes > EW_MAX_PLAN)
      return (void)chunk_error(a, "LoadPlan chunk 0: total %llu chunks / %llu bytes out of range",
                               c->total, (unsigned long long)c->total_bytes);
    if ((uint64_t)c->total * EW_MAX_CHUNK < c->total_bytes || c->total > c->total_bytes)
      return (void)chunk_error(a, "LoadPlan: %llu chunks cannot carry %llu bytes", c->total,
                               (unsigned long long)c->total_bytes);
    if (c->sha256.len != 32)
      return (void)chunk_error(a, "LoadPlan: sha256 has %llu bytes, want %llu", c->sha256.len, 32);
    u->buf = malloc((size_t)c->total_bytes);
    if (!u->buf)
      return (void)chunk_error(a, "LoadPlan: cannot allocate %llu bytes (%llu)",
                               (unsigned long long)c->total_bytes, 0);
    u->total_bytes = c->total_bytes;
    u->total = c->total;
    memcpy(u->sha, c->sha256.data, 32);
  } else if (!u->buf) {
    return (void)chunk_error(a, "LoadPlan chunk %llu of %llu without chunk 0", c->index, c->total);
  }
  if (c->index != u->next)
    return (void)chunk_error(a, "LoadPlan chunk index %llu, expected %llu", c->index, u->next);
  if (c->total != u->total || c->total_bytes != u->total_bytes ||
      c->sha256.len != 32 || memcmp(c->sha256.data, u->sha, 32) != 0)
    return (void)chunk_error(a, "LoadPlan chunk %llu: total/size/sha256 differ from chunk 0 (%llu chunks)",
                             c->index, u->total);
  if (c->data.len > EW_MAX_CHUNK || c->data.len > u->total_bytes - u->filled)
    return (void)chunk_error(a, "LoadPlan chunk %llu: %llu data bytes overflow the plan", c->index,
                             (unsigned long long)c->data.len);
  if (c->data.len) memcpy(u->buf + u->filled, c->data.data, c->data.len);
  u->filled += c->data.len;
  u->next++;
  if (u->next < u->total) return;
  if (u->filled != u->total_bytes)
    return (void)chunk_error(a, "LoadPlan: got %llu bytes, announced %llu",
                             (unsigned long long)u->filled, (unsigned long long)u->total_bytes);
  finish_upload(a);
}

static const char *busy_stage(const Edgewise__Bridge__Envelope *e) {
  switch (e->body_case) {
    case EDGEWISE__BRIDGE__ENVELOPE__BODY_LOAD_PLAN: return "loading plan";
    case EDGEWISE__BRIDGE__ENVELOPE__BODY_AUTOTUNE: return "autotune";
    default: return "starting run";
  }
}

static void dispatch(agent *a, const Edgewise__Bridge__Envelope *e) {
  if (a->token && !a->hello_done && e->body_case != EDGEWISE__BRIDGE__ENVELOPE__BODY_HELLO) {
    ew_send_error(a, 0, EDGEWISE__BRIDGE__ERROR_CODE__UNAUTHORIZED, 1,
                  "the first message of a TCP session must be Hello with the session token (got body %d)",
                  (int)e->body_case);
    return;
  }
  if (!a->hello_done && e->body_case != EDGEWISE__BRIDGE__ENVELOPE__BODY_HELLO &&
      e->body_case != EDGEWISE__BRIDGE__ENVELOPE__BODY_BYE) {
    ew_send_error(a, 0, EDGEWISE__BRIDGE__ERROR_CODE__BAD_SEQUENCE, 0, "expected Hello first (got body %d)",
               (int)e->body_case);
    return;
  }
  switch (e->body_case) {
    case EDGEWISE__BRIDGE__ENVELOPE__BODY_HELLO: on_hello(a, e->hello); break;
    case EDGEWISE__BRIDGE__ENVELOPE__BODY_LOAD_PLAN: on_load_plan(a, e->load_plan); break;
    case EDGEWISE__BRIDGE__ENVELOPE__BODY_RUN: ew_agent_run(a, e->run); break;
    case EDGEWISE__BRIDGE__ENVELOPE__BODY_BYE: a->quit = 1; break;
    case EDGEWISE__BRIDGE__ENVELOPE__BODY_CANCEL:
      ew_send_error(a, e->cancel->run_id, EDGEWISE__BRIDGE__ERROR_CODE__BAD_SEQUENCE, 0,
                 "Cancel for run %llu: no run in progress", (unsigned long long)e->cancel->run_id);
      break;
    case EDGEWISE__BRIDGE__ENVELOPE__BODY_AUTOTUNE: ew_agent_autotune(a, e->autotune); break;
    default:
      ew_send_error(a, 0, EDGEWISE__BRIDGE__ERROR_CODE__BAD_SEQUENCE, 0,
                 "message body %d is not a host-to-agent message", (int)e->body_case);
  }
}

/* One framed message: 1 dispatched/answered, 0 end of session. Framing errors are fatal because
 * the stream position is lost; undecodable bytes of a well-framed message are not. */
int ew_agent_next(agent *a, Edgewise__Bridge__Envelope **out) {
  uint8_t *msg;
  size_t len;
  uint64_t declared;
  *out = NULL;
  int rc = ew_wire_read(&a->in, &msg, &len, &declared);
  switch (rc) {
    case EW_WIRE_EOF: a->quit = 1; return 0;
    case EW_WIRE_TRUNCATED:
      ew_send_error(a, 0, EDGEWISE__BRIDGE__ERROR_CODE__MALFORMED, 1,
                 "stream ended inside a message (declared %llu bytes, got %zu)",
                 (unsigned long long)declared, len);
      return 0;
    case EW_WIRE_OVERSIZE:
      ew_send_error(a, 0, EDGEWISE__BRIDGE__ERROR_CODE__TOO_LARGE, 1,
                 "message length %llu exceeds the limit of %u bytes", (unsigned long long)declared,
                 EW_MAX_MESSAGE);
      return 0;
    case EW_WIRE_BADVARINT:
      ew_send_error(a, 0, EDGEWISE__BRIDGE__ERROR_CODE__MALFORMED, 1, "length prefix is not a valid varint");
      return 0;
    case EW_WIRE_NOMEM:
      ew_send_error(a, 0, EDGEWISE__BRIDGE__ERROR_CODE__TOO_LARGE, 1, "cannot allocate %llu bytes",
                 (unsigned long long)declared);
      return 0;
    default: break;
  }
  *out = edgewise__bridge__envelope__unpack(NULL, len, msg);
  free(msg);
  if (!*out) /* over TCP nothing but an authenticated Hello may open the session */
    ew_send_error(a, 0, EDGEWISE__BRIDGE__ERROR_CODE__MALFORMED, a->token && !a->hello_done,
               "%zu-byte message is not a bridge Envelope", len);
  return 1;
}

void ew_agent_serve(agent *a) {
  while (!a->quit) {
    Edgewise__Bridge__Envelope *e;
    if (ew_agent_next(a, &e) && e) {
      /* only plan loads, runs and autotunes take long; Hello is answered by DeviceInfo and nothing
       * before it */
      int slow = e->body_case == EDGEWISE__BRIDGE__ENVELOPE__BODY_LOAD_PLAN ||
                 e->body_case == EDGEWISE__BRIDGE__ENVELOPE__BODY_RUN ||
                 e->body_case == EDGEWISE__BRIDGE__ENVELOPE__BODY_AUTOTUNE;
      uint64_t run_id = e->body_case == EDGEWISE__BRIDGE__ENVELOPE__BODY_RUN        ? e->run->run_id
                        : e->body_case == EDGEWISE__BRIDGE__ENVELOPE__BODY_AUTOTUNE ? e->autotune->run_id
                                                                                   : 0;
      if (slow) ew_heartbeat_busy(a, 1, run_id, busy_stage(e));
      dispatch(a, e);
      /* an open plan upload keeps the agent busy between chunks: a slow link still hears from it */
      ew_heartbeat_busy(a, a->up.buf != NULL, 0, "loading plan");
      if (a->up.buf) ew_heartbeat_stage(a, 0, "loading plan", a->up.next, a->up.total);
      edgewise__bridge__envelope__free_unpacked(e, NULL);
    }
  }
}

void ew_agent_free(agent *a) {
  upload_reset(&a->up);
  ew_model_free(a->model);
  free(a->plan);
  free(a->pending.buf);
  a->model = NULL;
  a->plan = NULL;
  a->pending = (ew_outbuf){0};
}
