/* Run-time feature detection per emulated CPU: "test_cpu MASK" expects ew_cpu_features() to be
 * exactly MASK (ctest passes 7 under qemu -cpu max, 1 under cortex-a53, which has neither
 * dotprod nor fp16). Without an argument it only reports. */
#include <stdlib.h>
#include "edgewise/rt.h"
#include "testutil.h"

int main(int argc, char **argv) {
  unsigned f = ew_cpu_features();
  printf("%s: features 0x%x\n", ew_cpu_description(), f);
  if (argc > 1) {
    unsigned want = (unsigned)strtoul(argv[1], NULL, 0);
    TU_CHECK(f == want, "features 0x%x, expected 0x%x", f, want);
  }
  return tu_finish("test_cpu");
}
