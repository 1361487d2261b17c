#define _POSIX_C_SOURCE 200809L /* strdup, setenv */
/* edgewise-agent: runs plans on this device for the host (docs/bridge-protocol.md), over
 * stdin/stdout, or over one loopback TCP connection guarded by a session token (--listen).
 * Protocol bytes only on the session's stream; diagnostics go to stderr. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "agent.h"

static int usage(void) {
  fprintf(stderr,
          "usage: edgewise-agent [--sysfs-root DIR] [--android-root DIR] [--heartbeat-ms N] [--version]\n"
          "                      [--listen 127.0.0.1:PORT [--token TOKEN] [--accept-timeout S]]\n"
          "speaks the bridge protocol on stdin/stdout (docs/bridge-protocol.md); with --listen, on one\n"
          "loopback TCP connection (PORT 0: any free port, printed on stdout) whose first message must\n"
          "be Hello with the session token (env EDGEWISE_AGENT_TOKEN, or --token: visible in ps)\n");
  return 2;
}

int main(int argc, char **argv) {
  static agent a;
  a.in.fd = 0;
  a.out = 1;
  a.sysfs_root = "/sys";
  a.android_root = "";
  const char *listen_on = NULL, *token = getenv("EDGEWISE_AGENT_TOKEN");
  double accept_timeout = 60;
  for (int i = 1; i < argc; i++) {
    int more = i + 1 < argc;
    if (!strcmp(argv[i], "--sysfs-root") && more) a.sysfs_root = argv[++i];
    else if (!strcmp(argv[i], "--android-root") && more) a.android_root = argv[++i];
    else if (!strcmp(argv[i], "--listen") && more) listen_on = argv[++i];
    else if (!strcmp(argv[i], "--token") && more) token = argv[++i];
    else if (!strcmp(argv[i], "--accept-timeout") && more) accept_timeout = atof(argv[++i]);
    else if (!strcmp(argv[i], "--heartbeat-ms") && more) {
      char *end;
      unsigned long ms = strtoul(argv[++i], &end, 10);
      if (*end || ms < EW_MIN_HEARTBEAT_MS || ms > EW_MAX_HEARTBEAT_MS) {
        fprintf(stderr, "edgewise-agent: --heartbeat-ms wants %u..%u, got '%s'\n", EW_MIN_HEARTBEAT_MS,
                EW_MAX_HEARTBEAT_MS, argv[i]);
        return 2;
      }
      a.heartbeat_ms = (unsigned)ms;
    }
    else if (!strcmp(argv[i], "--version")) {
      printf("edgewise-agent %s protocol %u runtime %s\n", EW_AGENT_VERSION, EW_PROTOCOL_VERSION, EW_RT_VERSION);
      return 0;
    } else {
      return usage();
    }
  }
  signal(SIGPIPE, SIG_IGN);
  /* kept in memory only: children (getprop) must not inherit the token */
  static char *token_copy; /* static: still reachable on the early exits below */
  token_copy = token ? strdup(token) : NULL;
  token = token_copy;
  unsetenv("EDGEWISE_AGENT_TOKEN");
  if (listen_on) {
    if (!token || strlen(token) < EW_MIN_TOKEN) {
      fprintf(stderr, "edgewise-agent: --listen needs a session token of at least %d characters "
                      "(env EDGEWISE_AGENT_TOKEN or --token)\n", EW_MIN_TOKEN);
      return 2;
    }
    if (!(accept_timeout > 0 && accept_timeout <= 3600)) {
      fprintf(stderr, "edgewise-agent: --accept-timeout must be in (0, 3600] seconds\n");
      return 2;
    }
    int fd = ew_listen_accept(listen_on, accept_timeout);
    if (fd < 0) return 3;
    a.in.fd = a.out = fd;
    a.token = token;
  }
  pthread_mutex_init(&a.send_mu, NULL);
  if (!ew_heartbeat_start(&a)) {
    fprintf(stderr, "edgewise-agent: cannot start the heartbeat thread\n");
    return 2;
  }
  ew_agent_serve(&a);
  ew_heartbeat_stop(&a);
  ew_agent_free(&a);
  if (listen_on) close(a.out);
  free(token_copy);
  return a.exit_code;
}
