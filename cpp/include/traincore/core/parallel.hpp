// Parallel helpers. Work is cut into chunks whose size depends only on the problem, never on the
// thread count; threads take whole chunks, and per-chunk partial results are combined in chunk
// order. So a reduction gives bit-identical results for any n_threads (DESIGN contract 6).
#pragma once

#include <cstddef>
#include <exception>
#include <vector>

namespace traincore {

// The number of threads a parallel region uses: `requested` when > 0, else every thread OpenMP
// offers (omp_get_max_threads, which threadpoolctl can limit); at most 4 per processor. Always 1
// in a child process forked after OpenMP started, where libgomp's thread pool cannot be used
// (it would deadlock).
int resolve_threads(int requested);

// Installs the fork guard described above; called once when the module is imported.
void install_fork_guard();

inline std::size_t chunk_count(std::size_t n, std::size_t chunk) { return (n + chunk - 1) / chunk; }

// The index of the calling thread in the current parallel region (0 outside one).
int omp_thread_index();

// The number of threads in the current parallel region (1 outside one).
int omp_team_size();

// Calls body(chunk_index, begin, end) for each chunk of [0, n). Runs in parallel when there is
// more than one chunk and more than one thread. An exception thrown by a body is rethrown after
// the loop (the one from the lowest chunk index, so which error surfaces is deterministic).
template <class Body>
void for_each_chunk(std::size_t n, std::size_t chunk, int n_threads, Body&& body) {
  const std::ptrdiff_t chunks = static_cast<std::ptrdiff_t>(chunk_count(n, chunk));
  const int threads = resolve_threads(n_threads);
  if (chunks <= 1 || threads <= 1) {  // no parallel region at all: small calls stay cheap
    for (std::ptrdiff_t c = 0; c < chunks; ++c) {
      const std::size_t begin = static_cast<std::size_t>(c) * chunk;
      body(static_cast<std::size_t>(c), begin, begin + chunk < n ? begin + chunk : n);
    }
    return;
  }
  std::exception_ptr first_error;
  std::ptrdiff_t first_error_chunk = chunks;
#pragma omp parallel for schedule(static) num_threads(threads)
  for (std::ptrdiff_t c = 0; c < chunks; ++c) {
    const std::size_t begin = static_cast<std::size_t>(c) * chunk;
    const std::size_t end = begin + chunk < n ? begin + chunk : n;
    try {
      body(static_cast<std::size_t>(c), begin, end);
    } catch (...) {
#pragma omp critical(traincore_for_each_chunk_error)
      if (c < first_error_chunk) {
        first_error_chunk = c;
        first_error = std::current_exception();
      }
    }
  }
  if (first_error) std::rethrow_exception(first_error);
}

// Maps each chunk to a partial result and folds the partials in chunk order:
// combine(...combine(combine(init, r0), r1)..., r_last).
template <class Result, class Map, class Combine>
Result reduce_chunks(std::size_t n, std::size_t chunk, int n_threads, Result init, Map&& map,
                     Combine&& combine) {
  const std::size_t chunks = chunk_count(n, chunk);
  if (chunks <= 1) return chunks == 0 ? init : combine(init, map(std::size_t(0), n));  // no buffer
  std::vector<Result> partial(chunks);
  for_each_chunk(n, chunk, n_threads, [&](std::size_t c, std::size_t begin, std::size_t end) {
    partial[c] = map(begin, end);
  });
  Result total = init;
  for (const Result& r : partial) total = combine(total, r);
  return total;
}

}  // namespace traincore
