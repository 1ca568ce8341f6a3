// Run-time choice of the kernel table (DESIGN contract 7): the widest instruction set the CPU
// and the operating system support, or a lower one forced with TRAINCORE_CPU=generic|avx2|avx512.
#pragma once

#include <string>
#include <vector>

#include "traincore/kernels/kernel_table.hpp"

namespace traincore {

enum class Isa { generic, avx2, avx512 };

const char* isa_name(Isa isa);
std::vector<Isa> supported_isas();    // lowest first

// Picks the table from the CPU's features and TRAINCORE_CPU. Returns a warning to show the user
// (empty if none): an unknown TRAINCORE_CPU value, or one this CPU cannot run.
std::string select_isa_from_environment();

// Selects a table by name (tests use it to run every kernel on every path); throws
// InvalidArgument for an unknown name or one the CPU cannot run.
void select_isa(const std::string& name);

Isa active_isa();
const KernelTable& kernels();

}  // namespace traincore
