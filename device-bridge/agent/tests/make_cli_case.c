/* For the edgewise-run test: "write PREFIX" writes PREFIX.ewplan and PREFIX.in0 (raw f32);
 * "check PREFIX" compares PREFIX.out0 with the reference output. */
#include <string.h>
#include "plan_builder.h"
#include "testutil.h"

static int write_file(const char *path, const void *p, size_t n) {
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(p, 1, n, f) != n) { printf("cannot write %s\n", path); return 1; }
  return fclose(f) != 0;
}

int main(int argc, char **argv) {
  if (argc != 3) { printf("usage: make_cli_case write|check PREFIX\n"); return 2; }
  char path[1024];
  tiny_net t;
  tiny_net_build(EDGEWISE__PLAN__KERNEL_ID__CONV3X3S1_WINOGRAD_F43, 3, &t);
  int rc = 0;
  if (!strcmp(argv[1], "write")) {
    snprintf(path, sizeof(path), "%s.ewplan", argv[2]);
    rc |= write_file(path, t.plan, t.plan_len);
    snprintf(path, sizeof(path), "%s.in0", argv[2]);
    rc |= write_file(path, t.input, t.n_input * sizeof(float));
  } else {
    float got[16] = {0};
    snprintf(path, sizeof(path), "%s.out0", argv[2]);
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(got, sizeof(float), 16, f) : 0;
    if (f) fclose(f);
    TU_CHECK(n == t.n_output, "%s holds %zu floats, want %zu", path, n, t.n_output);
    tu_close("edgewise-run output", got, t.want, NULL, t.n_output, 1e-4f, 1e-6f);
    rc = tu_finish("cli_check");
  }
  tiny_net_free(&t);
  return rc;
}
