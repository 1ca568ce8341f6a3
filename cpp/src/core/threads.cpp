#include <omp.h>
#include <pthread.h>

#include <atomic>

#include "traincore/core/parallel.hpp"

namespace traincore {

namespace {

// libgomp's worker threads do not survive fork(): a child that enters a parallel region after
// its parent used OpenMP waits forever for them. The child handler below makes every later
// region in the child single-threaded instead.
std::atomic<bool> g_in_forked_child{false};

void on_fork_child() {
  g_in_forked_child = true;
  omp_set_num_threads(1);
}

}  // namespace

void install_fork_guard() {
  static const bool installed = [] {
    pthread_atfork(nullptr, nullptr, &on_fork_child);
    return true;
  }();
  (void)installed;
}

int omp_thread_index() { return omp_get_thread_num(); }

int omp_team_size() { return omp_get_num_threads(); }

int resolve_threads(int requested) {
  if (g_in_forked_child.load(std::memory_order_relaxed)) return 1;
  // More threads than 4 per processor cannot speed up a kernel, and an absurd request (say a
  // million) would make libgomp abort when thread creation fails.
  const int cap = 4 * omp_get_num_procs();
  const int threads = requested > 0 ? requested : omp_get_max_threads();
  return threads < 1 ? 1 : (threads > cap ? cap : threads);
}

}  // namespace traincore
