#pragma once
// The hot kernels are compiled twice, portable and for AVX2+FMA, and pick
// one at run time: the same binary runs on any x86-64 (and builds elsewhere).
#if defined(__x86_64__) || defined(__i386__)
#define MICDOCTOR_X86 1
#define MICDOCTOR_TARGET_AVX2 __attribute__((target("avx2,fma")))
#else
#define MICDOCTOR_X86 0
#define MICDOCTOR_TARGET_AVX2
#endif

namespace micdoctor::cpu {

// True when this CPU has AVX2 and FMA (checked once).
inline bool has_avx2() {
#if MICDOCTOR_X86
  static const bool yes = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return yes;
#else
  return false;
#endif
}

}  // namespace micdoctor::cpu
