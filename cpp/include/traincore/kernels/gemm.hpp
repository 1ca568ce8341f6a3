// General matrix multiply, row-major:  C = alpha * op(A) op(B) + beta * C,  op(X) = X or X^T,
// with op(A) of M x K and op(B) of K x N. The Goto / BLIS structure (Goto & van de Geijn, "Anatomy
// of high-performance matrix multiplication", 2008): K is cut into KC blocks, N into NC slabs and
// M into MC blocks; op(B) is packed into NR-wide panels, op(A) is read in place (or, for wide
// products, packed MR wide), and the ISA's register-blocked micro-kernel computes MR x NR tiles.
// Threads split each block's tiles into runs of equal cost (over rows and columns, so a short
// op(A) still keeps every thread busy) and pack what their own tiles need, without barriers.
// Each element of C is computed by one thread with the same order of additions, so the result
// does not depend on the thread count.
#pragma once

#include <cstddef>

namespace traincore {

template <class T>
void gemm(bool trans_a, bool trans_b, std::size_t M, std::size_t N, std::size_t K, T alpha,
          const T* A, std::size_t lda, const T* B, std::size_t ldb, T beta, T* C, std::size_t ldc,
          int n_threads);

}  // namespace traincore
