#include "traincore/kernels/gemm.hpp"

#include <algorithm>
#include <vector>

#include "traincore/core/cpu_dispatch.hpp"
#include "traincore/core/parallel.hpp"

namespace traincore {

namespace {

constexpr std::size_t kKc = 256;   // K block: a KC x NR panel of B stays in L1
constexpr std::size_t kMcPanels = 8;  // MC = 8 MR-row panels: the packed A block stays in L2
constexpr std::size_t kNc = 4096;  // N block: the packed B block stays in L3

// op(X)[r][c] for row-major X with leading dimension ld.
template <class T>
inline T element(const T* X, std::size_t ld, bool trans, std::size_t r, std::size_t c) {
  return trans ? X[c * ld + r] : X[r * ld + c];
}

// Rows [i0, i0 + mc) and columns [p0, p0 + kc) of op(A) as MR-row panels, each kc x MR.
template <class T>
void pack_a(const T* A, std::size_t lda, bool trans, std::size_t i0, std::size_t mc, std::size_t p0,
            std::size_t kc, std::size_t mr, T* out) {
  for (std::size_t panel = 0; panel < mc; panel += mr) {
    const std::size_t rows = std::min(mr, mc - panel);
    for (std::size_t p = 0; p < kc; ++p) {
      T* dst = out + panel * kc + p * mr;
      for (std::size_t i = 0; i < rows; ++i) dst[i] = element(A, lda, trans, i0 + panel + i, p0 + p);
      for (std::size_t i = rows; i < mr; ++i) dst[i] = T(0);
    }
  }
}

// Panel `panel` of rows [p0, p0 + kc) and columns [j0, j0 + nc) of op(B): kc x NR values.
template <class T>
void pack_b_panel(const T* B, std::size_t ldb, bool trans, std::size_t p0, std::size_t kc,
                  std::size_t j0, std::size_t nc, std::size_t nr, std::size_t panel, T* out) {
  const std::size_t j_first = panel * nr, cols = std::min(nr, nc - j_first);
  T* dst = out + j_first * kc;
  for (std::size_t p = 0; p < kc; ++p) {
    for (std::size_t j = 0; j < cols; ++j) dst[p * nr + j] = element(B, ldb, trans, p0 + p, j0 + j_first + j);
    for (std::size_t j = cols; j < nr; ++j) dst[p * nr + j] = T(0);
  }
}

// Below this many multiply-adds a GEMM runs on the calling thread alone.
constexpr double kParallelWork = 1 << 18;

}  // namespace

template <class T>
void gemm(bool trans_a, bool trans_b, std::size_t M, std::size_t N, std::size_t K, T alpha,
          const T* A, std::size_t lda, const T* B, std::size_t ldb, T beta, T* C, std::size_t ldc,
          int n_threads) {
  if (M == 0 || N == 0) return;
  const auto& k = kernels().get<T>();
  const int threads = resolve_threads(n_threads);
  // Row blocks: at most kMcPanels panels, and small enough that every thread gets one. (How M is
  // blocked never changes the additions that make an element of C, so this is deterministic.)
  const std::size_t mr = k.gemm_mr, nr = k.gemm_nr;
  const std::size_t rows_per_thread = (M + std::size_t(threads) - 1) / std::size_t(threads);
  const std::size_t mc = std::min(kMcPanels * mr, std::max(mr, (rows_per_thread + mr - 1) / mr * mr));
  if (K == 0) {  // C = beta * C
    for (std::size_t i = 0; i < M; ++i) {
      for (std::size_t j = 0; j < N; ++j) C[i * ldc + j] = beta == T(0) ? T(0) : beta * C[i * ldc + j];
    }
    return;
  }
  std::vector<T> packed_b(std::min(kNc, (N + nr - 1) / nr * nr) * kKc);
  const std::size_t m_blocks = (M + mc - 1) / mc;
  const bool parallel = threads > 1 && double(M) * double(N) * double(K) > kParallelWork;
  std::vector<std::vector<T>> packed_a(std::size_t(std::max(threads, 1)), std::vector<T>(mc * kKc));
  // One parallel region for the whole product: the threads pack each B block together, then
  // split its row blocks; the implicit barriers of the two loops order the phases.
#pragma omp parallel num_threads(threads) if (parallel)
  {
    T* a_block = packed_a[std::size_t(omp_thread_index())].data();
    for (std::size_t j0 = 0; j0 < N; j0 += kNc) {
      const std::size_t nc = std::min(kNc, N - j0);
      const std::ptrdiff_t b_panels = std::ptrdiff_t((nc + nr - 1) / nr);
      for (std::size_t p0 = 0; p0 < K; p0 += kKc) {
        const std::size_t kc = std::min(kKc, K - p0);
        const T beta_block = p0 == 0 ? beta : T(1);
#pragma omp for schedule(static)
        for (std::ptrdiff_t panel = 0; panel < b_panels; ++panel) {
          pack_b_panel(B, ldb, trans_b, p0, kc, j0, nc, nr, std::size_t(panel), packed_b.data());
        }
#pragma omp for schedule(static)
        for (std::ptrdiff_t block = 0; block < std::ptrdiff_t(m_blocks); ++block) {
          const std::size_t i0 = std::size_t(block) * mc, rows = std::min(mc, M - i0);
          pack_a(A, lda, trans_a, i0, rows, p0, kc, mr, a_block);
          for (std::size_t j = 0; j < nc; j += nr) {
            for (std::size_t i = 0; i < rows; i += mr) {
              k.gemm_micro(kc, a_block + i * kc, packed_b.data() + j * kc, C + (i0 + i) * ldc + j0 + j,
                           ldc, alpha, beta_block, std::min(mr, rows - i), std::min(nr, nc - j));
            }
          }
        }
      }
    }
  }
}

template void gemm<float>(bool, bool, std::size_t, std::size_t, std::size_t, float, const float*,
                          std::size_t, const float*, std::size_t, float, float*, std::size_t, int);
template void gemm<double>(bool, bool, std::size_t, std::size_t, std::size_t, double, const double*,
                           std::size_t, const double*, std::size_t, double, double*, std::size_t, int);

}  // namespace traincore
