/* libFuzzer target: the input is a plan (docs/plan-format.md). ew_model_load must accept it or
 * refuse it with an error, never crash; an accepted plan with a small arena is also run once, so
 * a rule the loader forgot shows up as an out-of-bounds access in a kernel. */
#include <stdint.h>
#include <stdlib.h>
#include "edgewise/rt.h"

#define RUN_ARENA_LIMIT (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ew_model *m = NULL;
  ew_error err = {0};
  if (ew_model_load(data, size, &m, &err) != EW_OK) return 0;
  if (ew_model_arena_size(m) <= RUN_ARENA_LIMIT) {
    ew_session_options opt = {.threads = 1};
    ew_session *s = NULL;
    if (ew_session_create(m, &opt, &s, &err) == EW_OK) {
      ew_session_run(s, NULL, &err);
      ew_session_free(s);
    }
  }
  ew_model_free(m);
  return 0;
}
