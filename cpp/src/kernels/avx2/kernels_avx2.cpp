// The kernels built for AVX2 + FMA (-mavx2 -mfma).
#define TC_KERNEL_ISA avx2
#include "kernels/kernel_sources.inc"
