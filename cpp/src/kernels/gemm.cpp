#include "traincore/kernels/gemm.hpp"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <new>
#include <utility>
#include <vector>

#include "traincore/core/cpu_dispatch.hpp"
#include "traincore/core/parallel.hpp"

namespace traincore {

namespace {

constexpr std::size_t kPanelBytes = 32 * 1024;  // a tile's A and B micro-panels: 2/3 of L1
constexpr std::size_t kMaxKc = 512;
constexpr std::size_t kMcRows = 384;  // rows of op(A) per block: its kc-wide slice stays in L2
// Bytes of a packed kc x nc slab of op(B). Small when op(A) is short: the slab then serves few
// tiles and must share L2 with the operands it is copied from (a 32 x 256 x 784 float64 product
// runs 30% slower with 768-column slabs than with 256). When op(A) is tall, the slab may live in
// L3 (its panels pass through L1 one at a time), and wider slabs mean fewer copies of A's row
// blocks (2048^3 runs about 6% faster with 2 MB slabs than with 512 KB).
constexpr std::size_t kSlabBytesShort = 256 * 1024;
constexpr std::size_t kSlabBytesTall = 2048 * 1024;
// From this many columns on, blocks of op(A) are packed before use. Each block then serves many
// B panels, so the copy is cheap, and reading large-stride rows of A in place (lda a multiple
// of 4 KB, say) would thrash L1 sets and the TLB. Narrower products read A in place, where the
// copy would cost more than it saves.
constexpr std::size_t kPackAColumns = 1024;
// Below this many multiply-adds a GEMM runs on the calling thread alone.
constexpr double kParallelWork = 1 << 18;

std::size_t ceil_div(std::size_t a, std::size_t b) { return (a + b - 1) / b; }
std::size_t round_up(std::size_t a, std::size_t b) { return ceil_div(a, b) * b; }

template <class T>
struct Problem {
  bool trans_a, trans_b;
  std::size_t M, N, K;
  T alpha;
  const T* A;
  std::size_t lda;
  const T* B;
  std::size_t ldb;
  T beta;
  T* C;
  std::size_t ldc;
};

// Block sizes. K is cut into blocks of (nearly) equal length, short enough that a tile's A and
// B micro-panels stay in L1: each block's products are summed in registers and then added to C,
// so these boundaries fix every element's order of additions; they depend on K and the kernel
// only, never on the thread count.
struct Blocking {
  std::size_t mr, nr, kc, mc, nc;
  bool pack_a;  // pack blocks of op(A) before use instead of reading A in place
};

template <class T>
Blocking blocking(const KernelsFor<T>& k, const Problem<T>& p) {
  Blocking b{};
  b.mr = k.gemm_mr;
  b.nr = k.gemm_nr;
  const std::size_t kc_max = std::min(kMaxKc, kPanelBytes / ((b.mr + b.nr) * sizeof(T)));
  b.kc = std::min(p.K, round_up(ceil_div(p.K, ceil_div(p.K, kc_max)), 8));
  b.mc = std::min(p.M, kMcRows / b.mr * b.mr);
  const std::size_t slab_bytes = p.M < kMcRows ? kSlabBytesShort : kSlabBytesTall;
  b.nc = std::min(p.N, std::max(b.nr, slab_bytes / (b.kc * sizeof(T)) / b.nr * b.nr));
  b.pack_a = p.N >= kPackAColumns;
  return b;
}

// Per calling thread, kept between calls: no allocation, page faults or zero-filling per product.
template <class T>
T* scratch(std::size_t count) {
  struct Free {
    void operator()(T* p) const { std::free(p); }
  };
  thread_local std::unique_ptr<T, Free> buffer;
  thread_local std::size_t capacity = 0;
  if (count > capacity) {
    buffer.reset();
    const std::size_t bytes = round_up(count * sizeof(T), 64);
    buffer.reset(static_cast<T*>(std::aligned_alloc(64, bytes)));
    if (!buffer) throw std::bad_alloc();
    capacity = bytes / sizeof(T);
  }
  return buffer.get();
}

// The tiles of one (row block, column slab) step, numbered column panel by column panel so that
// consecutive tiles share their B panel. A tile costs about rows x columns.
struct TileGrid {
  std::size_t mr, nr;
  std::size_t rows, cols;  // of the step's part of C
  std::size_t row_panels() const { return ceil_div(rows, mr); }
  std::size_t col_panels() const { return ceil_div(cols, nr); }
  std::size_t width(std::size_t jr) const { return std::min(nr, cols - jr * nr); }

  // The first tile whose preceding tiles cost at least `target`.
  std::size_t first_tile_after(std::size_t target) const {
    std::size_t before = 0;
    for (std::size_t jr = 0; jr < col_panels(); ++jr) {
      const std::size_t column = width(jr) * rows;
      if (before + column > target) return jr * row_panels() + ceil_div(target - before, width(jr) * mr);
      before += column;
    }
    return col_panels() * row_panels();
  }

  // Thread t of `threads` computes tiles [first, last): runs of about equal cost, in whole tiles.
  std::pair<std::size_t, std::size_t> share(int t, int threads) const {
    std::size_t total = 0;
    for (std::size_t jr = 0; jr < col_panels(); ++jr) total += width(jr) * rows;
    return {first_tile_after(total * std::size_t(t) / std::size_t(threads)),
            first_tile_after(total * std::size_t(t + 1) / std::size_t(threads))};
  }
};

// One step: rows [i0, i0 + mc) of C, columns [j0, j0 + nc), k in [p0, p0 + kc).
struct Step {
  std::size_t i0, mc, j0, nc, p0, kc;
};

// The tiles of a step computed by one thread: [first, last) in TileGrid order.
struct TileRange {
  std::size_t first, last, row_panels;
  std::size_t first_column() const { return first / row_panels; }
  std::size_t last_column() const { return (last - 1) / row_panels; }
  // Row panels [begin, end) that some tile of the range uses.
  std::pair<std::size_t, std::size_t> rows() const {
    if (first_column() != last_column()) return {0, row_panels};
    return {first % row_panels, (last - 1) % row_panels + 1};
  }
};

// Each thread packs the parts of op(A) and op(B) its own tiles use into its own scratch, so the
// threads never wait for each other: a thread sharing a B panel with its neighbour (or, for
// wide products, the rows of A) packs its own copy, which costs less than a barrier per step.
template <class T>
class Driver {
 public:
  Driver(const KernelsFor<T>& k, const Problem<T>& p, const Blocking& b) : k_(k), p_(p), b_(b) {}

  // Scratch values one thread needs, a multiple of 64 bytes.
  static std::size_t scratch_size(const Blocking& b) {
    const std::size_t values = b.kc * round_up(b.nc, b.nr) + (b.pack_a ? round_up(b.mc, b.mr) * b.kc : 0);
    return round_up(values, 64 / sizeof(T));
  }

  void run(int t, int threads, T* scratch) {
    T* b_slab = scratch;
    T* a_block = scratch + b_.kc * round_up(b_.nc, b_.nr);
    // Which B panels of the current slab this thread has packed (kept: no allocation per call).
    thread_local std::vector<bool> packed;
    for (std::size_t j0 = 0; j0 < p_.N; j0 += b_.nc) {
      for (std::size_t p0 = 0; p0 < p_.K; p0 += b_.kc) {
        const std::size_t nc = std::min(b_.nc, p_.N - j0);
        packed.assign(ceil_div(nc, b_.nr), false);
        for (std::size_t i0 = 0; i0 < p_.M; i0 += b_.mc) {
          const Step s{i0, std::min(b_.mc, p_.M - i0), j0, nc, p0, std::min(b_.kc, p_.K - p0)};
          const TileGrid grid{b_.mr, b_.nr, s.mc, s.nc};
          const auto [first, last] = grid.share(t, threads);
          if (first == last) continue;
          const TileRange range{first, last, grid.row_panels()};
          pack_b(s, range, packed, b_slab);
          if (b_.pack_a) pack_a(s, range, a_block);
          compute(s, range, a_block, b_slab);
        }
      }
    }
  }

 private:
  void pack_b(const Step& s, const TileRange& range, std::vector<bool>& packed, T* slab) const {
    for (std::size_t jr = range.first_column(); jr <= range.last_column(); ++jr) {
      if (packed[jr]) continue;
      packed[jr] = true;
      const std::size_t j = s.j0 + jr * b_.nr;
      const T* src = p_.trans_b ? p_.B + j * p_.ldb + s.p0 : p_.B + s.p0 * p_.ldb + j;
      k_.gemm_pack_b(src, p_.ldb, p_.trans_b, s.kc, std::min(b_.nr, s.nc - jr * b_.nr), slab + jr * b_.nr * s.kc);
    }
  }

  // Packs op(A)'s row panels MR wide (A^T is copied, A transposed in registers).
  void pack_a(const Step& s, const TileRange& range, T* out) const {
    const auto [first, last] = range.rows();
    for (std::size_t ir = first; ir < last; ++ir) {
      const std::size_t i = s.i0 + ir * b_.mr;
      k_.gemm_pack_a(a_in_place(i, s.p0), p_.lda, !p_.trans_a, s.kc, std::min(b_.mr, s.mc - ir * b_.mr),
                     out + ir * b_.mr * s.kc);
    }
  }

  void compute(const Step& s, const TileRange& range, const T* a_block, const T* b_slab) const {
    GemmTile<T> tile{};
    tile.kc = s.kc;
    tile.rows_layout = !p_.trans_a && !b_.pack_a;
    tile.a_step = b_.pack_a ? b_.mr : p_.lda;
    tile.ldc = p_.ldc;
    tile.alpha = p_.alpha;
    tile.beta = s.p0 == 0 ? p_.beta : T(1);
    for (std::size_t q = range.first; q < range.last; ++q) {
      const std::size_t ir = q % range.row_panels, jr = q / range.row_panels;
      const std::size_t i = ir * b_.mr, j = jr * b_.nr;
      tile.a = b_.pack_a ? a_block + i * s.kc : a_in_place(s.i0 + i, s.p0);
      tile.b = b_slab + j * s.kc;
      tile.c = p_.C + (s.i0 + i) * p_.ldc + s.j0 + j;
      tile.m = std::min(b_.mr, s.mc - i);
      tile.n = std::min(b_.nr, s.nc - j);
      k_.gemm_micro(tile);
    }
  }

  const T* a_in_place(std::size_t i, std::size_t p) const {
    return p_.trans_a ? p_.A + p * p_.lda + i : p_.A + i * p_.lda + p;
  }

  const KernelsFor<T>& k_;
  const Problem<T>& p_;
  const Blocking& b_;
};

template <class T>
void scale_c(const Problem<T>& p) {  // K = 0: C = beta * C
  for (std::size_t i = 0; i < p.M; ++i) {
    for (std::size_t j = 0; j < p.N; ++j) p.C[i * p.ldc + j] = p.beta == T(0) ? T(0) : p.beta * p.C[i * p.ldc + j];
  }
}

}  // namespace

template <class T>
void gemm(bool trans_a, bool trans_b, std::size_t M, std::size_t N, std::size_t K, T alpha,
          const T* A, std::size_t lda, const T* B, std::size_t ldb, T beta, T* C, std::size_t ldc,
          int n_threads) {
  if (M == 0 || N == 0) return;
  const Problem<T> problem{trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc};
  if (K == 0) return scale_c(problem);
  const auto& k = kernels().get<T>();
  const Blocking b = blocking(k, problem);
  const int threads = resolve_threads(n_threads);
  const bool parallel = threads > 1 && double(M) * double(N) * double(K) > kParallelWork;
  const std::size_t per_thread = Driver<T>::scratch_size(b);
  T* const buffer = scratch<T>(per_thread * std::size_t(parallel ? threads : 1));
  Driver<T> driver(k, problem, b);
#pragma omp parallel num_threads(threads) if (parallel)
  driver.run(omp_thread_index(), omp_team_size(), buffer + std::size_t(omp_thread_index()) * per_thread);
}

template void gemm<float>(bool, bool, std::size_t, std::size_t, std::size_t, float, const float*,
                          std::size_t, const float*, std::size_t, float, float*, std::size_t, int);
template void gemm<double>(bool, bool, std::size_t, std::size_t, std::size_t, double, const double*,
                           std::size_t, const double*, std::size_t, double, double*, std::size_t, int);

}  // namespace traincore
