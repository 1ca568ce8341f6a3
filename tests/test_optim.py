"""Optimisers: 200-step trajectories against the numpy references and torch.optim, clipping,
determinism across threads, checkpoints and bad input."""
from __future__ import annotations

import numpy as np
import pytest

from traincore import optim
from traincore.testing import (
    ReferenceAdagrad, ReferenceAdam, ReferenceAdamW, ReferenceRMSprop, ReferenceSGD,
    assert_close, reference_clip_grad_norm,
)

# (traincore class, reference class, hyper-parameters): every option of every rule.
CASES = {
    "sgd": (optim.SGD, ReferenceSGD, dict(lr=0.05)),
    "sgd-momentum-dampening-decay": (optim.SGD, ReferenceSGD,
                                     dict(lr=0.02, momentum=0.9, dampening=0.3, weight_decay=0.01)),
    "sgd-nesterov": (optim.SGD, ReferenceSGD, dict(lr=0.02, momentum=0.8, nesterov=True, weight_decay=0.1)),
    "adam": (optim.Adam, ReferenceAdam, dict(lr=0.01)),
    "adam-amsgrad-decay": (optim.Adam, ReferenceAdam,
                           dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.05, amsgrad=True)),
    "adamw": (optim.AdamW, ReferenceAdamW, dict(lr=0.01)),
    "adamw-amsgrad": (optim.AdamW, ReferenceAdamW, dict(lr=0.01, weight_decay=0.1, amsgrad=True)),
    "rmsprop": (optim.RMSprop, ReferenceRMSprop, dict(lr=0.01)),
    "rmsprop-momentum": (optim.RMSprop, ReferenceRMSprop, dict(lr=0.005, momentum=0.9)),
    "rmsprop-centered-momentum-decay": (optim.RMSprop, ReferenceRMSprop,
                                        dict(lr=0.005, alpha=0.9, centered=True, momentum=0.5,
                                             weight_decay=0.01)),
    "adagrad": (optim.Adagrad, ReferenceAdagrad, dict(lr=0.05)),
    "adagrad-decay-accumulator": (optim.Adagrad, ReferenceAdagrad,
                                  dict(lr=0.05, lr_decay=0.01, weight_decay=0.02,
                                       initial_accumulator_value=0.1, eps=1e-8)),
}
N_STEPS = 200


def make_params(dtype, rng):
    return {"w": rng.normal(size=(37, 5)).astype(dtype), "b": rng.normal(size=5).astype(dtype)}


def gradient_sequence(params, n_steps, dtype, rng):
    """Gradients whose scale changes over time (so adaptive rules are exercised)."""
    return [{k: (rng.normal(size=p.shape) * (1 + 5 * (t % 7 == 0))).astype(dtype) for k, p in params.items()}
            for t in range(n_steps)]


def run_pair(case, dtype, n_threads, rng, max_grad_norm=None, scheduler=None):
    cls, ref_cls, hyper = CASES[case]
    params = make_params(dtype, rng)
    reference = ref_cls(params, **hyper)
    opt = cls(params, **hyper, max_grad_norm=max_grad_norm, n_threads=n_threads)
    sched = scheduler(opt) if scheduler else None
    for grads in gradient_sequence(params, N_STEPS, dtype, rng):
        reference.lr = opt.lr
        ref_grads = grads
        if max_grad_norm is not None:
            ref_grads, _ = reference_clip_grad_norm(grads, max_grad_norm)
        reference.step(ref_grads)
        opt.step(grads)
        if sched:
            sched.step()
    return opt, reference


@pytest.mark.parametrize("case", list(CASES))
def test_trajectory_matches_reference(case, dtype, n_threads, isa, rng):
    opt, reference = run_pair(case, dtype, n_threads, rng)
    assert opt.step_count == reference.step_count == N_STEPS
    for name, p in opt.params.items():
        assert p.dtype == dtype
        assert_close(p, reference.params[name], dtype, "trajectory", err_msg=f"{case} {name}")
        assert set(opt.state[name]) == set(reference.state[name])
        for buf, value in opt.state[name].items():
            assert_close(value, reference.state[name][buf], dtype, "trajectory",
                         scale=max(1.0, np.abs(reference.state[name][buf]).max()),
                         err_msg=f"{case} {name} {buf}")


@pytest.mark.parametrize("case", ["sgd-momentum-dampening-decay", "adam-amsgrad-decay",
                                  "rmsprop-centered-momentum-decay", "adagrad"])
def test_clipping_inside_the_step_matches_reference(case, dtype, isa, rng):
    opt, reference = run_pair(case, dtype, 2, rng, max_grad_norm=3.0)
    for name, p in opt.params.items():
        assert_close(p, reference.params[name], dtype, "trajectory")


@pytest.mark.parametrize("case", ["sgd-nesterov", "adamw", "rmsprop-momentum"])
def test_trajectory_under_a_schedule_matches_reference(case, dtype, rng):
    opt, reference = run_pair(case, dtype, 1, rng,
                              scheduler=lambda o: optim.CosineAnnealingLR(o, T_max=150, warmup_steps=10))
    for name, p in opt.params.items():
        assert_close(p, reference.params[name], dtype, "trajectory")


def test_step_returns_the_gradient_norm_when_clipping(rng):
    w = np.zeros(10)
    opt = optim.SGD({"w": w}, lr=0.1, max_grad_norm=1.0)
    grad = rng.normal(size=10)
    assert opt.step({"w": grad}) == pytest.approx(np.linalg.norm(grad), rel=1e-12)
    assert optim.SGD({"w": np.zeros(10)}, lr=0.1).step({"w": grad}) is None


@pytest.mark.parametrize("case", list(CASES))
def test_bit_identical_for_any_thread_count(case, dtype, isa, rng):
    cls, _, hyper = CASES[case]
    start = {"w": rng.normal(size=(301, 1001)).astype(dtype), "b": rng.normal(size=1001).astype(dtype)}
    grads = gradient_sequence(start, 3, dtype, rng)
    results = []
    for n_threads in (1, 2):
        params = {k: v.copy() for k, v in start.items()}
        opt = cls(params, **hyper, max_grad_norm=50.0, n_threads=n_threads)
        for g in grads:
            opt.step(g)
        results.append((params, opt.state))
    for name in start:
        np.testing.assert_array_equal(results[0][0][name], results[1][0][name])
        for buf in results[0][1][name]:
            np.testing.assert_array_equal(results[0][1][name][buf], results[1][1][name][buf])


def test_global_norm_and_clip_grad_norm_match_reference(dtype, n_threads, isa, rng):
    grads = {"a": rng.normal(size=(400, 300)).astype(dtype), "b": rng.normal(size=77).astype(dtype)}
    expected, norm = reference_clip_grad_norm(grads, 5.0)
    assert_close(optim.global_norm(grads, n_threads=n_threads), norm, dtype)
    returned = optim.clip_grad_norm(grads, 5.0, n_threads=n_threads)
    assert_close(returned, norm, dtype)
    for k in grads:
        assert_close(grads[k], expected[k], dtype)
    small = {"a": np.full(4, 0.1, dtype)}
    optim.clip_grad_norm(small, 5.0)
    assert_close(small["a"], np.full(4, 0.1), dtype)


# -- checkpoints ----------------------------------------------------------------------------

@pytest.mark.parametrize("case", list(CASES))
def test_state_dict_resumes_bit_identically(case, rng):
    cls, _, hyper = CASES[case]
    params = make_params(np.float32, rng)
    grads = gradient_sequence(params, 40, np.float32, rng)
    opt = cls(params, **hyper)
    for g in grads[:20]:
        opt.step(g)
    saved_params = {k: v.copy() for k, v in params.items()}
    checkpoint = opt.state_dict()
    for g in grads[20:]:
        opt.step(g)
    resumed = cls(saved_params, **hyper)
    resumed.load_state_dict(checkpoint)
    assert resumed.step_count == 20
    for g in grads[20:]:
        resumed.step(g)
    for k in params:
        np.testing.assert_array_equal(saved_params[k], params[k])


def test_state_dict_is_a_copy_and_restores_hyperparameters(rng):
    w = np.zeros(3)
    opt = optim.Adam({"w": w}, lr=0.1, amsgrad=True)
    opt.step({"w": np.ones(3)})
    sd = opt.state_dict()
    sd["state"]["w"]["exp_avg"][:] = 123.0
    assert not np.any(opt.state["w"]["exp_avg"] == 123.0)
    other = optim.Adam({"w": np.zeros(3)}, lr=0.5)
    other.load_state_dict(opt.state_dict())
    assert other.lr == 0.1 and other.hyperparameters["amsgrad"] is True
    assert list(other.state["w"]) == ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"]


def test_load_state_dict_rejects_mismatches():
    sgd = optim.SGD({"w": np.zeros(3)}, lr=0.1, momentum=0.9)
    adam = optim.Adam({"w": np.zeros(3)})
    with pytest.raises(ValueError, match=r"state_dict: saved by a 'sgd' optimiser, cannot load into 'adam'"):
        adam.load_state_dict(sgd.state_dict())
    with pytest.raises(ValueError, match=r"state_dict: parameter names \['w'\] do not match .*\['v'\]"):
        optim.SGD({"v": np.zeros(3)}, lr=0.1, momentum=0.9).load_state_dict(sgd.state_dict())
    with pytest.raises(ValueError, match=r"state_dict: 'w'/'momentum_buffer' has shape \(3,\), the parameter has \(4,\)"):
        optim.SGD({"w": np.zeros(4)}, lr=0.1, momentum=0.9).load_state_dict(sgd.state_dict())
    with pytest.raises(ValueError, match=r"state_dict: missing the key 'step'"):
        sgd.load_state_dict({"optimizer": "sgd", "hyperparameters": {}, "state": {}})
    with pytest.raises(TypeError, match=r"state_dict: expected the dict"):
        sgd.load_state_dict([1, 2])
    broken = sgd.state_dict()
    del broken["hyperparameters"]["momentum"]
    with pytest.raises(ValueError, match=r"hyperparameters: missing \['momentum'\], unknown \[\]"):
        sgd.load_state_dict(broken)
    broken = sgd.state_dict()
    broken["hyperparameters"]["lr"] = -1.0
    with pytest.raises(ValueError, match=r"lr: the learning rate must be a finite number > 0"):
        sgd.load_state_dict(broken)
    assert sgd.lr == 0.1


# -- bad input ------------------------------------------------------------------------------

@pytest.mark.parametrize("cls,kwargs,error,match", [
    (optim.SGD, dict(lr=0.0), ValueError, r"lr: the learning rate must be a finite number > 0, got 0"),
    (optim.SGD, dict(lr=-1e-3), ValueError, r"lr: the learning rate must be a finite number > 0"),
    (optim.SGD, dict(lr=float("inf")), ValueError, r"lr: must be finite"),
    (optim.SGD, dict(momentum=1.0), ValueError, r"momentum: must be in \[0, 1\), got 1"),
    (optim.SGD, dict(momentum=-0.1), ValueError, r"momentum: must be in \[0, 1\)"),
    (optim.SGD, dict(nesterov=True), ValueError, r"nesterov: Nesterov momentum needs momentum > 0"),
    (optim.SGD, dict(momentum=0.9, dampening=0.1, nesterov=True), ValueError, r"nesterov: .*dampening = 0"),
    (optim.SGD, dict(weight_decay=-1.0), ValueError, r"weight_decay: must be a finite number >= 0"),
    (optim.SGD, dict(nesterov="yes"), TypeError, r"nesterov: expected True or False"),
    (optim.Adam, dict(betas=(1.0, 0.999)), ValueError, r"beta1: must be in \[0, 1\), got 1"),
    (optim.Adam, dict(betas=(0.9, -0.5)), ValueError, r"beta2: must be in \[0, 1\)"),
    (optim.Adam, dict(betas=0.9), TypeError, r"betas: expected a pair"),
    (optim.Adam, dict(eps=0.0), ValueError, r"eps: must be a finite number > 0"),
    (optim.Adam, dict(lr="fast"), TypeError, r"lr: expected a real number"),
    (optim.AdamW, dict(weight_decay=-0.01), ValueError, r"weight_decay: must be a finite number >= 0"),
    (optim.RMSprop, dict(alpha=1.5), ValueError, r"alpha: must be in \[0, 1\)"),
    (optim.RMSprop, dict(momentum=1.0), ValueError, r"momentum: must be in \[0, 1\)"),
    (optim.RMSprop, dict(eps=-1e-8), ValueError, r"eps: must be a finite number > 0"),
    (optim.Adagrad, dict(lr_decay=-1.0), ValueError, r"lr_decay: must be a finite number >= 0"),
    (optim.Adagrad, dict(initial_accumulator_value=-1.0), ValueError, r"initial_accumulator_value"),
    (optim.SGD, dict(max_grad_norm=0.0), ValueError, r"max_grad_norm: must be None or > 0"),
    (optim.SGD, dict(n_threads=0), ValueError, r"n_threads: must be None or >= 1"),
])
def test_bad_hyperparameters_raise(cls, kwargs, error, match):
    with pytest.raises(error, match=match):
        cls({"w": np.zeros(3)}, **kwargs)


def test_setting_a_bad_lr_raises_and_keeps_the_old_one():
    opt = optim.Adam({"w": np.zeros(3)}, lr=0.01)
    with pytest.raises(ValueError, match=r"lr: the learning rate must be >= 0, got -1"):
        opt.lr = -1.0
    assert opt.lr == 0.01
    opt.lr = 0.0  # a schedule may end at 0: the step then leaves parameters unchanged
    opt.step({"w": np.ones(3)})
    assert not np.any(opt.params["w"])


def test_bad_params_raise():
    read_only = np.zeros(3)
    read_only.flags.writeable = False
    with pytest.raises(ValueError, match=r"params\['w'\]: array is read-only"):
        optim.SGD({"w": read_only})
    with pytest.raises(TypeError, match=r"params\['w'\]: expected dtype float32 or float64, got int64"):
        optim.SGD({"w": np.zeros(3, np.int64)})
    with pytest.raises(TypeError, match=r"params\['w'\]: expected a numpy array, got list"):
        optim.SGD({"w": [0.0, 1.0]})
    with pytest.raises(ValueError, match=r"params\['w'\]: array is not C-contiguous"):
        optim.SGD({"w": np.zeros(6)[::2]})
    with pytest.raises(TypeError, match=r"params: all parameters must share one dtype"):
        optim.SGD({"w": np.zeros(3), "b": np.zeros(3, np.float32)})
    with pytest.raises(ValueError, match=r"params: the optimiser needs at least one parameter"):
        optim.SGD({})
    base = np.zeros(6)
    with pytest.raises(ValueError, match=r"params: 'a' and 'b' share memory"):
        optim.SGD({"a": base[:4], "b": base[2:]})
    with pytest.raises(TypeError, match=r"params: parameter names must be strings"):
        optim.SGD({1: np.zeros(3)})
    assert optim.SGD([("w", np.zeros(3))]).params.keys() == {"w"}


def test_bad_gradients_raise():
    w = np.zeros(3, np.float32)
    opt = optim.Adam({"w": w})
    with pytest.raises(ValueError, match=r"grads: no gradient for parameter\(s\) \['w'\]"):
        opt.step({})
    with pytest.raises(ValueError, match=r"grads: unknown parameter name\(s\) \['v'\]"):
        opt.step({"w": np.zeros(3, np.float32), "v": np.zeros(3, np.float32)})
    with pytest.raises(ValueError, match=r"grads\['w'\]: shape \(4,\) differs from the parameter's \(3,\)"):
        opt.step({"w": np.zeros(4, np.float32)})
    with pytest.raises(TypeError, match=r"grads\['w'\]: dtype float64 differs from the parameter's float32"):
        opt.step({"w": np.zeros(3)})
    with pytest.raises(ValueError, match=r"grads\['w'\]: array is not C-contiguous"):
        opt.step({"w": np.zeros(6, np.float32)[::2]})
    with pytest.raises(ValueError, match=r"grads\['w'\]: shares memory with the parameter 'w'"):
        opt.step({"w": w})
    b = np.zeros(3, np.float32)
    two = optim.SGD({"w": np.zeros(3, np.float32), "b": b})
    with pytest.raises(ValueError, match=r"grads\['w'\]: shares memory with the parameter 'b'"):
        two.step({"w": b, "b": np.zeros(3, np.float32)})
    with pytest.raises(TypeError, match=r"grads: expected a dict"):
        opt.step([np.zeros(3, np.float32)])
    assert opt.step_count == 0 and not np.any(w)


def test_get_optimizer_by_name():
    assert isinstance(optim.get_optimizer("adamw", {"w": np.zeros(2)}), optim.AdamW)
    with pytest.raises(ValueError, match=r"optimizer: unknown optimiser 'adamx'; known: sgd, adam"):
        optim.get_optimizer("adamx", {"w": np.zeros(2)})


# -- against torch.optim, where installed ----------------------------------------------------

TORCH_CLASSES = {optim.SGD: "SGD", optim.Adam: "Adam", optim.AdamW: "AdamW",
                 optim.RMSprop: "RMSprop", optim.Adagrad: "Adagrad"}


@pytest.mark.parametrize("case", list(CASES))
def test_trajectory_matches_torch(case, dtype, rng):
    torch = pytest.importorskip("torch")
    cls, _, hyper = CASES[case]
    params = make_params(dtype, rng)
    tensors = {k: torch.tensor(v.copy(), requires_grad=True) for k, v in params.items()}
    torch_opt = getattr(torch.optim, TORCH_CLASSES[cls])(list(tensors.values()), **hyper)
    opt = cls(params, **hyper)
    for grads in gradient_sequence(params, N_STEPS, dtype, rng):
        for k, t in tensors.items():
            t.grad = torch.tensor(grads[k])
        torch_opt.step()
        opt.step(grads)
    for k, t in tensors.items():
        assert_close(params[k], t.detach().numpy().astype(np.float64), dtype, "trajectory", err_msg=case)


def test_defaults_match_torch():
    torch = pytest.importorskip("torch")
    import inspect
    p = [torch.zeros(1, requires_grad=True)]
    for cls, torch_name in TORCH_CLASSES.items():
        torch_defaults = getattr(torch.optim, torch_name)(p).defaults
        ours = inspect.signature(cls).parameters
        for name, param in ours.items():
            if name in torch_defaults:
                assert param.default == torch_defaults[name], (cls.__name__, name)
