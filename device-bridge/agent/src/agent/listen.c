#define _GNU_SOURCE
/* --listen: one session over a loopback TCP connection instead of stdin/stdout. The address must
 * be numeric loopback (127.0.0.0/8 or ::1): the agent never listens where another machine could
 * reach it; remote hosts come in through adb forward / ssh -L, which end on loopback. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "agent.h"

typedef union any_addr {
  struct sockaddr sa;
  struct sockaddr_in v4;
  struct sockaddr_in6 v6;
} any_addr;

/* "127.0.0.1:PORT" or "[::1]:PORT" -> a loopback socket address; NULL or the reason it is refused */
static const char *parse_listen(const char *spec, any_addr *a, socklen_t *len) {
  char host[64];
  const char *colon = strrchr(spec, ':');
  if (!colon) return "expected ADDRESS:PORT, e.g. 127.0.0.1:0";
  const char *h = spec, *h_end = colon;
  if (*h == '[') {
    if (h_end == h + 1 || h_end[-1] != ']') return "an IPv6 address needs brackets: [::1]:PORT";
    h++;
    h_end--;
  }
  if ((size_t)(h_end - h) >= sizeof(host)) return "address too long";
  memcpy(host, h, (size_t)(h_end - h));
  host[h_end - h] = 0;
  char *end;
  errno = 0;
  unsigned long port = strtoul(colon + 1, &end, 10);
  if (!colon[1] || *end || errno || port > 65535) return "port must be a number in 0..65535 (0: any free port)";
  memset(a, 0, sizeof(*a));
  if (inet_pton(AF_INET, host, &a->v4.sin_addr) == 1) {
    if ((ntohl(a->v4.sin_addr.s_addr) >> 24) != 127) return "not a loopback address (only 127.0.0.0/8 or [::1])";
    a->v4.sin_family = AF_INET;
    a->v4.sin_port = htons((uint16_t)port);
    *len = sizeof(a->v4);
    return NULL;
  }
  if (inet_pton(AF_INET6, host, &a->v6.sin6_addr) == 1) {
    if (!IN6_IS_ADDR_LOOPBACK(&a->v6.sin6_addr)) return "not a loopback address (only 127.0.0.0/8 or [::1])";
    a->v6.sin6_family = AF_INET6;
    a->v6.sin6_port = htons((uint16_t)port);
    *len = sizeof(a->v6);
    return NULL;
  }
  return "not a numeric address (names are not resolved: use 127.0.0.1 or [::1])";
}

static void describe(const any_addr *a, char *out, size_t n) {
  char ip[INET6_ADDRSTRLEN] = "?";
  if (a->sa.sa_family == AF_INET) {
    inet_ntop(AF_INET, &a->v4.sin_addr, ip, sizeof(ip));
    snprintf(out, n, "%s:%u", ip, ntohs(a->v4.sin_port));
  } else {
    inet_ntop(AF_INET6, &a->v6.sin6_addr, ip, sizeof(ip));
    snprintf(out, n, "[%s]:%u", ip, ntohs(a->v6.sin6_port));
  }
}

int ew_listen_accept(const char *spec, double accept_timeout_seconds) {
  any_addr a;
  socklen_t len = 0;
  const char *why = parse_listen(spec, &a, &len);
  if (why) {
    fprintf(stderr, "edgewise-agent: --listen %s refused: %s\n", spec, why);
    return -1;
  }
  int s = socket(a.sa.sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0 || bind(s, &a.sa, len) != 0 || listen(s, 1) != 0 || getsockname(s, &a.sa, &len) != 0) {
    fprintf(stderr, "edgewise-agent: --listen %s: %s\n", spec, strerror(errno));
    if (s >= 0) close(s);
    return -1;
  }
  char where[96];
  describe(&a, where, sizeof(where));
  /* the one line the host reads to learn the port; stdout carries nothing else in this mode */
  printf("edgewise-agent listening on %s\n", where);
  fflush(stdout);
  struct pollfd p = {.fd = s, .events = POLLIN};
  int ms = (int)(accept_timeout_seconds * 1000);
  int ready;
  do ready = poll(&p, 1, ms); while (ready < 0 && errno == EINTR);
  if (ready <= 0) {
    fprintf(stderr, "edgewise-agent: nobody connected to %s within %g s\n", where, accept_timeout_seconds);
    close(s);
    return -1;
  }
  int c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
  int e = errno;
  close(s); /* one connection per agent */
  if (c < 0) fprintf(stderr, "edgewise-agent: accept on %s: %s\n", where, strerror(e));
  return c;
}

int ew_token_equal(const char *expected, const char *got, size_t got_len) {
  size_t n = strlen(expected);
  /* every byte of the expected token is compared whatever the input, so the time taken says
   * nothing about how much of a guess was right */
  unsigned diff = (unsigned)(n != got_len);
  for (size_t i = 0; i < n; i++) diff |= (unsigned char)expected[i] ^ (unsigned char)(got_len ? got[i % got_len] : 0);
  return diff == 0;
}
