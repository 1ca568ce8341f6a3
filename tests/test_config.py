"""Build and run-time configuration: ISA dispatch, TRAINCORE_CPU, show_config, fork safety."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import traincore
from traincore import _core
from traincore.testing import available_isas, using_isa


def run_python(code: str, env_update: dict[str, str] | None = None, timeout: float = 60):
    env = dict(os.environ, **(env_update or {}))
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, env=env, timeout=timeout)


def test_show_config_reports_version_isa_threads_and_flags():
    out = io.StringIO()
    traincore.show_config(file=out)
    text = out.getvalue()
    assert f"traincore {traincore.__version__}" in text
    assert f"kernels (ISA in use): {_core.isa()}" in text
    assert "OpenMP" in text and "threads by default" in text
    assert "flags:" in text and "-mavx2 -mfma" in text


def test_nothing_is_built_for_the_build_machine_only():
    info = _core.build_info()
    for flags in info.values():
        assert "-march=native" not in flags and "-mtune=native" not in flags


def test_the_widest_supported_isa_is_chosen_at_import():
    result = run_python("import traincore; from traincore import _core; print(_core.isa())",
                        {"TRAINCORE_CPU": ""})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == available_isas()[-1]


@pytest.mark.parametrize("isa", available_isas())
def test_traincore_cpu_forces_a_path(isa):
    result = run_python("import traincore; from traincore import _core; print(_core.isa())",
                        {"TRAINCORE_CPU": isa})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == isa
    assert "RuntimeWarning" not in result.stderr


def test_unknown_traincore_cpu_warns_and_uses_the_best_path():
    result = run_python("import traincore; from traincore import _core; print(_core.isa())",
                        {"TRAINCORE_CPU": "sse9"})
    assert result.returncode == 0, result.stderr
    assert "TRAINCORE_CPU='sse9' is not one of generic, avx2, avx512" in result.stderr
    assert result.stdout.strip() == available_isas()[-1]


def test_using_isa_switches_and_restores():
    before = _core.isa()
    with using_isa("generic"):
        assert _core.isa() == "generic"
    assert _core.isa() == before
    with pytest.raises(ValueError, match=r"isa: 'sse9' is not one of generic, avx2, avx512"):
        _core._select_isa("sse9")


def test_isa_paths_agree_to_rounding():
    """Different ISAs may contract a*b+c into FMA, so agreement is to rounding, not bits."""
    from traincore.losses import get_loss
    rng = np.random.default_rng(0)
    y, raw = rng.integers(0, 2, 10_000).astype(float), rng.normal(size=10_000)
    results = []
    for isa in available_isas():
        with using_isa(isa):
            results.append(get_loss("binary_log_loss").gradient_hessian(y, raw))
    for grad, hess in results[1:]:
        np.testing.assert_allclose(grad, results[0][0], rtol=1e-14, atol=1e-16)
        np.testing.assert_allclose(hess, results[0][1], rtol=1e-14, atol=1e-16)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_forked_child_does_not_deadlock_in_openmp():
    """libgomp's pool does not survive fork(): the child must still finish its kernels."""
    code = """
        import os, sys
        import numpy as np
        from traincore.losses import get_loss
        y = np.zeros(1_000_000); raw = np.ones(1_000_000)
        loss = get_loss("squared_error")
        parent = loss(y, raw, n_threads=2)          # starts the OpenMP pool in the parent
        pid = os.fork()
        if pid == 0:
            child = loss(y, raw, n_threads=2)       # would hang without the fork guard
            os._exit(0 if child == parent else 3)
        _, status = os.waitpid(pid, 0)
        print(os.waitstatus_to_exitcode(status))
    """
    result = run_python(code, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0"


def test_multiprocessing_fork_pool_works():
    code = """
        import multiprocessing as mp
        import numpy as np
        from traincore.losses import get_loss

        def work(seed):
            rng = np.random.default_rng(seed)
            y, raw = rng.normal(size=200_000), rng.normal(size=200_000)
            return get_loss("huber")(y, raw, n_threads=2)

        if __name__ == "__main__":
            work(0)
            with mp.get_context("fork").Pool(2) as pool:
                print(len(pool.map(work, range(4))))
    """
    result = run_python(code, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "4"


def test_absurd_thread_counts_are_capped_not_fatal():
    import os
    procs = os.cpu_count() or 1
    assert _core.resolve_threads(10**6) == _core.openmp_info()["num_procs"] * 4
    assert 1 <= _core.resolve_threads(0) <= 4 * procs
    from traincore.losses import get_loss
    y, raw = np.zeros(100_000), np.ones(100_000)
    assert get_loss("squared_error")(y, raw, n_threads=10**6) == 0.5
