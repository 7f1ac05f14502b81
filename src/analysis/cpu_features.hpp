#pragma once
// The hot kernels are compiled twice, portable and for AVX2+FMA, and pick
// one at run time: the same binary runs on any x86-64 (and builds elsewhere).
// MICDOCTOR_NO_AVX2 in the environment forces the portable loops, so that
// the tests prove them on a machine that has AVX2.
#include <cstdlib>
#if defined(__x86_64__) || defined(__i386__)
#define MICDOCTOR_X86 1
#define MICDOCTOR_TARGET_AVX2 __attribute__((target("avx2,fma")))
#else
#define MICDOCTOR_X86 0
#define MICDOCTOR_TARGET_AVX2
#endif

namespace micdoctor::cpu {

// True when this CPU has AVX2 and FMA and they are not switched off (checked once).
inline bool has_avx2() {
#if MICDOCTOR_X86
  static const bool yes = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
                          std::getenv("MICDOCTOR_NO_AVX2") == nullptr;
  return yes;
#else
  return false;
#endif
}

}  // namespace micdoctor::cpu
