// The kernels built for AVX-512 F/DQ/BW/VL (-mavx512f -mavx512dq -mavx512bw -mavx512vl).
#define TC_KERNEL_ISA avx512
#include "kernels/kernel_sources.inc"
