/* edgewise-agent pieces with known answers: SHA-256 against the FIPS 180-2 example digests
 * (and 1000 'a's, checked with coreutils sha256sum), statistics worked out by hand. */
#include <string.h>
#include "agent.h"
#include "testutil.h"

static void check_sha(const char *what, const uint8_t *data, size_t n, const char *hex) {
  uint8_t d[32];
  char got[65];
  ew_sha256(data, n, d);
  for (int i = 0; i < 32; i++) snprintf(got + 2 * i, 3, "%02x", d[i]);
  TU_CHECK(!strcmp(got, hex), "sha256(%s) = %s, want %s", what, got, hex);
}

int main(void) {
  check_sha("abc", (const uint8_t *)"abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  check_sha("empty", (const uint8_t *)"", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"; /* padding spills a block */
  check_sha("56 bytes", (const uint8_t *)two, strlen(two),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  uint8_t as[1000];
  memset(as, 'a', sizeof(as));
  check_sha("1000 a", as, sizeof(as), "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");

  double v[] = {4, 1, 3, 2, 5};
  ew_stats s;
  ew_stats_compute(v, 5, &s);
  TU_CHECK(s.count == 5 && s.min == 1 && s.max == 5 && s.mean == 3 && s.p50 == 3, "min/max/mean/p50");
  /* ranks 0.9*4 = 3.6 and 0.99*4 = 3.96 between 4 and 5; population std of 1..5 is sqrt(2) */
  TU_CHECK(fabs(s.p90 - 4.6) < 1e-12 && fabs(s.p99 - 4.96) < 1e-12, "p90 %g p99 %g", s.p90, s.p99);
  TU_CHECK(fabs(s.std - sqrt(2.0)) < 1e-12, "std %g", s.std);
  double one[] = {0.25};
  ew_stats_compute(one, 1, &s);
  TU_CHECK(s.count == 1 && s.p99 == 0.25 && s.std == 0, "single sample");
  ew_stats_compute(one, 0, &s);
  TU_CHECK(s.count == 0, "no samples");
  return tu_finish("test_agent_units");
}
