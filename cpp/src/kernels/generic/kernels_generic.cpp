// The kernels built for the x86-64 baseline (SSE2), the path every CPU can run.
#define TC_KERNEL_ISA generic
#include "kernels/kernel_sources.inc"
