"""Build and run-time configuration of the compiled core."""
from __future__ import annotations

import sys
import warnings
from typing import Any, TextIO

from . import _core

if _core._isa_warning:
    warnings.warn(_core._isa_warning, RuntimeWarning, stacklevel=2)


def config() -> dict[str, Any]:
    """The configuration as a dict: version, instruction sets, OpenMP and build flags."""
    return {
        "version": _core.__version__,
        "isa": _core.isa(),
        "supported_isas": _core.supported_isas(),
        "openmp": _core.openmp_info(),
        "build": _core.build_info(),
    }


def show_config(file: TextIO | None = None) -> None:
    """Print the version, the kernel instruction set in use, OpenMP threads and build flags."""
    out = file if file is not None else sys.stdout
    c = config()
    omp = c["openmp"]
    build = c["build"]
    lines = [
        f"traincore {c['version']}",
        f"  kernels (ISA in use): {c['isa']}   (this CPU supports: {', '.join(c['supported_isas'])};"
        " force a lower one with TRAINCORE_CPU=generic|avx2|avx512)",
        f"  OpenMP {omp['version']}: {omp['threads_used_by_default']} threads by default"
        f" ({omp['num_procs']} processors)",
        f"  compiler: {build['compiler']} ({build['build_type']})",
        f"  flags: {build['cxx_flags'].strip()}",
        f"  avx2 kernels: {build['avx2_flags']}",
        f"  avx512 kernels: {build['avx512_flags']}",
        f"  python {sys.version.split()[0]}",
    ]
    print("\n".join(lines), file=out)
