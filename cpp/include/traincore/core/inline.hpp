// Per-element maths (losses, optimiser updates) is always inlined into the kernel loop that calls
// it. Kernel loops are compiled once per instruction set; forcing the inlining means no
// out-of-line copy built for one ISA can be picked by the linker for a caller built for another.
#pragma once

#define TC_INLINE inline __attribute__((always_inline))
