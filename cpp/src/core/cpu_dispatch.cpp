#include "traincore/core/cpu_dispatch.hpp"

#include <atomic>
#include <cstdlib>
#include <string>

#include "traincore/core/errors.hpp"

namespace traincore {

namespace generic { extern const KernelTable kernel_table; }
namespace avx2 { extern const KernelTable kernel_table; }
namespace avx512 { extern const KernelTable kernel_table; }

namespace {

constexpr Isa kAllIsas[] = {Isa::generic, Isa::avx2, Isa::avx512};

const KernelTable& table_of(Isa isa) {
  switch (isa) {
    case Isa::avx512: return avx512::kernel_table;
    case Isa::avx2: return avx2::kernel_table;
    case Isa::generic: break;
  }
  return generic::kernel_table;
}

// __builtin_cpu_supports reads CPUID; libgcc also checks with XGETBV that the OS saves the
// AVX / AVX-512 register state before reporting those features.
bool cpu_has(Isa isa) {
  __builtin_cpu_init();
  switch (isa) {
    case Isa::generic: return true;
    case Isa::avx2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case Isa::avx512:
      return cpu_has(Isa::avx2) && __builtin_cpu_supports("avx512f") &&
             __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512vl");
  }
  return false;
}

bool parse_isa(const std::string& name, Isa& isa) {
  for (Isa candidate : kAllIsas) {
    if (name == isa_name(candidate)) {
      isa = candidate;
      return true;
    }
  }
  return false;
}

Isa best_supported() {
  Isa best = Isa::generic;
  for (Isa isa : kAllIsas) {
    if (cpu_has(isa)) best = isa;
  }
  return best;
}

std::atomic<Isa> g_active{Isa::generic};

}  // namespace

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::generic: return "generic";
    case Isa::avx2: return "avx2";
    case Isa::avx512: return "avx512";
  }
  return "generic";
}

std::vector<Isa> supported_isas() {
  std::vector<Isa> out;
  for (Isa isa : kAllIsas) {
    if (cpu_has(isa)) out.push_back(isa);
  }
  return out;
}

std::string select_isa_from_environment() {
  const Isa best = best_supported();
  g_active = best;
  const char* forced = std::getenv("TRAINCORE_CPU");
  if (forced == nullptr || *forced == '\0') return "";
  Isa wanted;
  if (!parse_isa(forced, wanted)) {
    return std::string("TRAINCORE_CPU='") + forced +
           "' is not one of generic, avx2, avx512; using " + isa_name(best);
  }
  if (!cpu_has(wanted)) {
    return std::string("TRAINCORE_CPU=") + forced + " asks for an instruction set this CPU " +
           "does not support; using " + isa_name(best);
  }
  g_active = wanted;
  return "";
}

void select_isa(const std::string& name) {
  Isa wanted;
  require(parse_isa(name, wanted), "isa: '", name, "' is not one of generic, avx2, avx512");
  require(cpu_has(wanted), "isa: this CPU cannot run the ", name, " kernels");
  g_active = wanted;
}

Isa active_isa() { return g_active.load(std::memory_order_relaxed); }

const KernelTable& kernels() { return table_of(active_isa()); }

}  // namespace traincore
