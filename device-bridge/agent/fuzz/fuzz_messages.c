#define _GNU_SOURCE
/* libFuzzer target: the input is the byte stream a host sends to edgewise-agent. A whole session
 * is served from it (framing, Envelope decoding, Hello, chunked LoadPlan, Run, Autotune, Cancel,
 * Bye); answers go to /dev/null. Built with EW_FUZZING, whose limits make every accepted Run and
 * Autotune finish in milliseconds. Also linked with replay_main.c into the ctest replay. */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "agent.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  int in = memfd_create("ew-fuzz-in", MFD_CLOEXEC);
  int out = open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (in < 0 || out < 0) abort();
  for (size_t off = 0; off < size;) {
    ssize_t w = write(in, data + off, size - off);
    if (w <= 0) abort();
    off += (size_t)w;
  }
  lseek(in, 0, SEEK_SET);
  agent *a = calloc(1, sizeof(*a));
  if (!a) abort();
  a->in.fd = in;
  a->out = out;
  a->sysfs_root = "/nonexistent-ew-fuzz";
  a->android_root = "/nonexistent-ew-fuzz";
  pthread_mutex_init(&a->send_mu, NULL); /* heartbeat_ms 0: no heartbeat thread */
  ew_agent_serve(a);
  ew_agent_free(a);
  pthread_mutex_destroy(&a->send_mu);
  free(a);
  close(in);
  close(out);
  return 0;
}
