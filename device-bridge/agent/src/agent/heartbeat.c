#define _POSIX_C_SOURCE 200809L
/* Heartbeat (--heartbeat-ms N): while the agent handles a message (a plan load, a run's idle
 * baseline, warm-up, or one long iteration) a Progress with the current stage goes out whenever
 * nothing was sent for N ms. The host can then tell a busy agent from a stopped, hung or cut-off
 * one within a fixed time, however long an iteration takes (docs/bridge-protocol.md, Heartbeat). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "agent.h"

double ew_mono_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void *beat(void *arg) {
  agent *a = arg;
  double period = a->heartbeat_ms / 1000.0;
  long tick_ns = (long)a->heartbeat_ms * 1000000L / 5;
  struct timespec tick = {.tv_sec = tick_ns / 1000000000L, .tv_nsec = tick_ns % 1000000000L};
  for (;;) {
    nanosleep(&tick, NULL);
    pthread_mutex_lock(&a->send_mu);
    if (a->hb_stop) {
      pthread_mutex_unlock(&a->send_mu);
      return NULL;
    }
    if (a->busy && ew_mono_seconds() - a->last_send >= period) {
      Edgewise__Bridge__Progress p = EDGEWISE__BRIDGE__PROGRESS__INIT;
      p.run_id = a->hb_run_id;
      p.stage = (char *)a->hb_stage;
      p.done = a->hb_done;
      p.total = a->hb_total;
      Edgewise__Bridge__Envelope env = EDGEWISE__BRIDGE__ENVELOPE__INIT;
      env.body_case = EDGEWISE__BRIDGE__ENVELOPE__BODY_PROGRESS;
      env.progress = &p;
      if (ew_wire_send(a->out, &env) != 0) {
        fprintf(stderr, "edgewise-agent: host closed stdout, exiting\n");
        exit(4);
      }
      a->last_send = ew_mono_seconds();
    }
    pthread_mutex_unlock(&a->send_mu);
  }
}

int ew_heartbeat_start(agent *a) {
  if (a->heartbeat_ms == 0) return 1;
  a->last_send = ew_mono_seconds();
  a->hb_running = pthread_create(&a->hb_thread, NULL, beat, a) == 0;
  return a->hb_running;
}

void ew_heartbeat_stop(agent *a) {
  if (!a->hb_running) return;
  pthread_mutex_lock(&a->send_mu);
  a->hb_stop = 1;
  pthread_mutex_unlock(&a->send_mu);
  pthread_join(a->hb_thread, NULL);
  a->hb_running = 0;
}

void ew_heartbeat_busy(agent *a, int busy, uint64_t run_id, const char *stage) {
  if (!a->hb_running) return;
  pthread_mutex_lock(&a->send_mu);
  if (busy && !a->busy) { /* the period counts from when work began */
    a->last_send = ew_mono_seconds();
    a->hb_run_id = run_id;
    a->hb_stage = stage;
    a->hb_done = a->hb_total = 0;
  }
  a->busy = busy;
  pthread_mutex_unlock(&a->send_mu);
}

void ew_heartbeat_stage(agent *a, uint64_t run_id, const char *stage, uint32_t done, uint32_t total) {
  if (!a->hb_running) return;
  pthread_mutex_lock(&a->send_mu);
  a->hb_run_id = run_id;
  a->hb_stage = stage;
  a->hb_done = done;
  a->hb_total = total;
  pthread_mutex_unlock(&a->send_mu);
}
