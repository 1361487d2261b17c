#define _POSIX_C_SOURCE 200809L
/* Replays every file under the given directories through a fuzz target's LLVMFuzzerTestOneInput
 * in a normal (gcc, optionally ASan/UBSan) build: the ctest regression that keeps what the fuzzer
 * found fixed. Exit 0 when every file went through; a crash or sanitizer report fails the test. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *buf = malloc(n > 0 ? (size_t)n : 1);
  size_t got = buf ? fread(buf, 1, (size_t)(n > 0 ? n : 0), f) : 0;
  fclose(f);
  if (!buf || got != (size_t)(n > 0 ? n : 0)) { free(buf); printf("cannot read %s\n", path); exit(1); }
  LLVMFuzzerTestOneInput(buf, got);
  free(buf);
  return 1;
}

int main(int argc, char **argv) {
  size_t files = 0;
  for (int i = 1; i < argc; i++) {
    DIR *d = opendir(argv[i]);
    if (!d) { printf("no corpus directory %s\n", argv[i]); return 1; }
    struct dirent *e;
    while ((e = readdir(d))) {
      if (e->d_name[0] == '.') continue;
      char path[4096];
      snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
      struct stat st;
      if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) files += (size_t)replay_file(path);
    }
    closedir(d);
  }
  printf("replayed %zu inputs\n", files);
  return files ? 0 : 1;
}
