#define _POSIX_C_SOURCE 200809L
/* Length-delimited framing: a base-128 varint byte count, then the Envelope bytes. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "agent.h"

/* 1 byte read, 0 end of stream, -1 read error */
static int next_byte(ew_reader *r, uint8_t *b) {
  if (r->pos == r->len) {
    ssize_t n;
    do n = read(r->fd, r->buf, sizeof(r->buf)); while (n < 0 && errno == EINTR);
    if (n <= 0) return n == 0 ? 0 : -1;
    r->pos = 0;
    r->len = (size_t)n;
  }
  *b = r->buf[r->pos++];
  return 1;
}

int ew_wire_read(ew_reader *r, uint8_t **msg, size_t *len, uint64_t *declared) {
  *msg = NULL;
  *len = 0;
  *declared = 0;
  uint64_t n = 0;
  int shift = 0;
  for (int i = 0;; i++) {
    uint8_t b;
    int got = next_byte(r, &b);
    if (got <= 0) return i == 0 && got == 0 ? EW_WIRE_EOF : EW_WIRE_TRUNCATED;
    if (i == 9 && b > 1) return EW_WIRE_BADVARINT; /* over 64 bits */
    n |= (uint64_t)(b & 0x7f) << shift;
    shift += 7;
    if (!(b & 0x80)) break;
  }
  *declared = n;
  if (n > EW_MAX_MESSAGE) return EW_WIRE_OVERSIZE;
  uint8_t *p = malloc(n ? (size_t)n : 1);
  if (!p) return EW_WIRE_NOMEM;
  size_t have = 0;
  while (have < n) {
    if (r->pos == r->len) {
      uint8_t b;
      int got = next_byte(r, &b);
      if (got <= 0) { free(p); *len = have; return EW_WIRE_TRUNCATED; }
      p[have++] = b;
      continue;
    }
    size_t take = r->len - r->pos;
    if (take > n - have) take = (size_t)(n - have);
    memcpy(p + have, r->buf + r->pos, take);
    r->pos += take;
    have += take;
  }
  *msg = p;
  *len = (size_t)n;
  return EW_WIRE_OK;
}

int ew_wire_pending(ew_reader *r) {
  if (r->pos < r->len) return 1;
  struct pollfd pfd = {.fd = r->fd, .events = POLLIN};
  return poll(&pfd, 1, 0) > 0;
}

static int write_all(int fd, const uint8_t *p, size_t n) {
  while (n) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

int ew_wire_append(ew_outbuf *o, const Edgewise__Bridge__Envelope *env) {
  size_t n = edgewise__bridge__envelope__get_packed_size(env);
  if (o->cap - o->len < n + 10) {
    size_t cap = o->cap ? o->cap : 4096;
    while (cap - o->len < n + 10) cap *= 2;
    uint8_t *g = realloc(o->buf, cap);
    if (!g) return -1;
    o->buf = g;
    o->cap = cap;
  }
  uint64_t v = n;
  do {
    o->buf[o->len++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
    v >>= 7;
  } while (v);
  edgewise__bridge__envelope__pack(env, o->buf + o->len);
  o->len += n;
  return 0;
}

int ew_wire_flush(int fd, ew_outbuf *o) {
  int rc = o->len ? write_all(fd, o->buf, o->len) : 0;
  o->len = 0;
  return rc;
}

int ew_wire_send(int fd, const Edgewise__Bridge__Envelope *env) {
  ew_outbuf o = {0};
  int rc = ew_wire_append(&o, env) == 0 ? ew_wire_flush(fd, &o) : -1;
  free(o.buf);
  return rc;
}
