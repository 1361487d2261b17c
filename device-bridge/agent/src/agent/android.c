#define _POSIX_C_SOURCE 200809L
/* Android system properties for DeviceInfo: runs <root>/system/bin/getprop (no arguments: it
 * prints every property as "[key]: [value]") and keeps the keys below. The root is "" on a
 * device and a fake tree in tests. Nothing is reported when getprop is absent, fails, or is slow. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "agent.h"

static const char *const WANTED[] = {"ro.product.model",   "ro.product.manufacturer", "ro.build.version.release",
                                     "ro.build.version.sdk", "ro.product.cpu.abi",    "ro.soc.model",
                                     "ro.board.platform"};
#define N_WANTED (sizeof(WANTED) / sizeof(WANTED[0]))
#define MAX_OUTPUT (1 << 20)   /* a real device prints ~50 KiB */
#define TIMEOUT_MS 3000

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec * 1e-6;
}

/* getprop's whole stdout (NUL-terminated, malloc'd) or NULL */
static char *run_getprop(const char *path) {
  int fds[2];
  if (pipe(fds) != 0) return NULL;
  pid_t pid = fork();
  if (pid < 0) { close(fds[0]); close(fds[1]); return NULL; }
  if (pid == 0) {
    dup2(fds[1], 1);
    int devnull = open("/dev/null", O_RDWR);
    if (devnull >= 0) { dup2(devnull, 0); dup2(devnull, 2); }
    close(fds[0]);
    close(fds[1]);
    execl(path, "getprop", (char *)NULL);
    _exit(127);
  }
  close(fds[1]);
  char *buf = malloc(MAX_OUTPUT + 1);
  size_t len = 0;
  double deadline = now_ms() + TIMEOUT_MS;
  int ok = buf != NULL;
  while (ok) {
    struct pollfd p = {.fd = fds[0], .events = POLLIN};
    double left = deadline - now_ms();
    int r = left > 0 ? poll(&p, 1, (int)left) : 0;
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) { ok = 0; break; } /* timed out: a stuck getprop must not stall Hello */
    ssize_t n = read(fds[0], buf + len, MAX_OUTPUT - len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    len += (size_t)n;
    if (len == MAX_OUTPUT) break;
  }
  close(fds[0]);
  kill(pid, SIGKILL); /* harmless when it already exited; it is reaped next */
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  if (!ok || !WIFEXITED(status) || WEXITSTATUS(status) != 0) { free(buf); return NULL; }
  buf[len] = 0;
  return buf;
}

static char *dup_n(const char *s, size_t n) {
  char *d = malloc(n + 1);
  if (d) { memcpy(d, s, n); d[n] = 0; }
  return d;
}

/* "[key]: [value]" -> key and value spans; 0 when the line has another shape */
static int split_line(const char *line, const char **k, size_t *kn, const char **v, size_t *vn) {
  if (line[0] != '[') return 0;
  const char *ke = strstr(line, "]: [");
  if (!ke) return 0;
  const char *vs = ke + 4, *ve = strrchr(vs, ']');
  if (!ve) return 0;
  *k = line + 1; *kn = (size_t)(ke - *k);
  *v = vs; *vn = (size_t)(ve - vs);
  return 1;
}

void ew_android_properties(const char *root, Edgewise__Bridge__DeviceInfo *info) {
  char path[1024];
  snprintf(path, sizeof(path), "%s/system/bin/getprop", root);
  if (access(path, X_OK) != 0) return;
  char *out = run_getprop(path);
  if (!out) {
    fprintf(stderr, "edgewise-agent: %s failed or timed out: no Android properties in DeviceInfo\n", path);
    return;
  }
  char *values[N_WANTED] = {0};
  char *save = NULL;
  for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    const char *k, *v;
    size_t kn, vn;
    if (!split_line(line, &k, &kn, &v, &vn) || vn == 0) continue;
    for (size_t i = 0; i < N_WANTED; i++)
      if (!values[i] && strlen(WANTED[i]) == kn && !memcmp(WANTED[i], k, kn)) values[i] = dup_n(v, vn);
  }
  free(out);
  info->android_properties = calloc(N_WANTED, sizeof(*info->android_properties));
  for (size_t i = 0; i < N_WANTED; i++) {
    Edgewise__Bridge__Property *p = values[i] && info->android_properties ? malloc(sizeof(*p)) : NULL;
    if (!p) { free(values[i]); continue; }
    edgewise__bridge__property__init(p);
    p->key = (char *)WANTED[i];
    p->value = values[i];
    info->android_properties[info->n_android_properties++] = p;
  }
}

void ew_android_properties_free(Edgewise__Bridge__DeviceInfo *info) {
  for (size_t i = 0; i < info->n_android_properties; i++) {
    free(info->android_properties[i]->value);
    free(info->android_properties[i]);
  }
  free(info->android_properties);
  info->android_properties = NULL;
  info->n_android_properties = 0;
}
