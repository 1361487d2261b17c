/* One include for NEON intrinsics: native on aarch64, through SIMDe elsewhere, so that the
 * same kernel source is tested on the x86_64 host and shipped for ARM. */
#ifndef EW_NEON_H
#define EW_NEON_H
#if defined(__aarch64__)
#include <arm_neon.h>
#else
#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/arm/neon.h>
/* SIMDe 0.7.4's portable vld4q fills its result lane by lane, which GCC 12 reports as use of
 * uninitialized data once inlined into our code. The aarch64 build keeps these warnings. */
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#endif
