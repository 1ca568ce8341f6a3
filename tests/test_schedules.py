"""Learning-rate schedules against the numpy reference and torch.optim.lr_scheduler."""
from __future__ import annotations

import numpy as np
import pytest

from traincore import optim
from traincore.testing import SCHEDULE_KINDS, reference_lr

KIND_PARAMS = {
    "constant": {},
    "step": {"step_size": 7, "gamma": 0.5},
    "exponential": {"gamma": 0.95},
    "inverse_scaling": {"power_t": 0.25},
    "cosine": {"T_max": 30, "eta_min": 0.001},
    "linear": {"start_factor": 0.1, "end_factor": 0.9, "total_iters": 12},
}
SCHEDULERS = {"constant": optim.ConstantLR, "step": optim.StepLR, "exponential": optim.ExponentialLR,
              "inverse_scaling": optim.InverseScalingLR, "cosine": optim.CosineAnnealingLR,
              "linear": optim.LinearLR}
WARMUPS = [{}, {"warmup_steps": 5}, {"warmup_steps": 8, "warmup_start_factor": 0.05}]


def test_every_kind_has_a_scheduler():
    assert set(SCHEDULERS) == set(SCHEDULE_KINDS) == set(KIND_PARAMS)


@pytest.mark.parametrize("kind", list(KIND_PARAMS))
@pytest.mark.parametrize("warmup", WARMUPS, ids=["no-warmup", "warmup5", "warmup8"])
def test_closed_form_matches_reference(kind, warmup):
    params = {**KIND_PARAMS[kind], **warmup}
    for t in range(60):
        assert optim.learning_rate(kind, 0.1, t, **params) == pytest.approx(
            reference_lr(kind, 0.1, t, **params), rel=1e-13, abs=1e-16)


@pytest.mark.parametrize("kind", list(KIND_PARAMS))
@pytest.mark.parametrize("warmup", WARMUPS, ids=["no-warmup", "warmup5", "warmup8"])
def test_scheduler_sets_the_optimizer_lr(kind, warmup):
    opt = optim.SGD({"w": np.zeros(2)}, lr=0.1)
    sched = SCHEDULERS[kind](opt, **KIND_PARAMS[kind], **warmup)
    params = {**KIND_PARAMS[kind], **warmup}
    for t in range(60):
        assert opt.lr == pytest.approx(reference_lr(kind, 0.1, t, **params), rel=1e-13, abs=1e-16)
        assert sched.get_last_lr() == opt.lr == sched.lr_at(t)
        sched.step()


def test_scheduler_state_dict_resumes():
    opt = optim.Adam({"w": np.zeros(2)}, lr=0.1)
    sched = optim.CosineAnnealingLR(opt, T_max=20, warmup_steps=3)
    for _ in range(7):
        sched.step()
    saved = sched.state_dict()
    other_opt = optim.Adam({"w": np.zeros(2)}, lr=0.1)
    other = optim.CosineAnnealingLR(other_opt, T_max=20, warmup_steps=3)
    other.load_state_dict(saved)
    assert other_opt.lr == opt.lr and other.last_step == 7
    with pytest.raises(ValueError, match=r"state_dict: not the state of a 'step' schedule"):
        optim.StepLR(other_opt, step_size=2).load_state_dict(saved)


TORCH_SCHEDULERS = {
    "step": ("StepLR", {"step_size": 7, "gamma": 0.5}),
    "exponential": ("ExponentialLR", {"gamma": 0.95}),
    "cosine": ("CosineAnnealingLR", {"T_max": 30, "eta_min": 0.001}),
    "linear": ("LinearLR", {"start_factor": 0.1, "end_factor": 0.9, "total_iters": 12}),
}


@pytest.mark.parametrize("kind", list(TORCH_SCHEDULERS))
@pytest.mark.parametrize("warmup_steps", [0, 5])
def test_matches_torch_schedulers(kind, warmup_steps):
    torch = pytest.importorskip("torch")
    lr_scheduler = torch.optim.lr_scheduler
    torch_opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    name, params = TORCH_SCHEDULERS[kind]
    main = getattr(lr_scheduler, name)(torch_opt, **params)
    if warmup_steps:
        warm = lr_scheduler.LinearLR(torch_opt, start_factor=1 / 3, end_factor=1.0, total_iters=warmup_steps)
        torch_sched = lr_scheduler.SequentialLR(torch_opt, [warm, main], milestones=[warmup_steps])
    else:
        torch_sched = main
    opt = optim.SGD({"w": np.zeros(1)}, lr=0.1)
    sched = SCHEDULERS[kind](opt, **params, warmup_steps=warmup_steps)
    for _ in range(50):
        assert opt.lr == pytest.approx(torch_opt.param_groups[0]["lr"], rel=1e-10, abs=1e-14)
        torch_opt.step()
        torch_sched.step()
        sched.step()


@pytest.mark.parametrize("kind,params,match", [
    ("step", {"step_size": 0}, r"step_size: must be >= 1, got 0"),
    ("exponential", {"gamma": -0.5}, r"gamma: must be a finite number > 0"),
    ("cosine", {"T_max": 0}, r"T_max: must be >= 1"),
    ("cosine", {"T_max": 10, "eta_min": -1.0}, r"eta_min: must be a finite number >= 0"),
    ("linear", {"start_factor": 0.0}, r"start_factor: must be in \(0, 1\]"),
    ("linear", {"total_iters": 0}, r"total_iters: must be >= 1"),
    ("inverse_scaling", {"power_t": -1.0}, r"power_t: must be a finite number >= 0"),
    ("constant", {"warmup_steps": -1}, r"warmup_steps: must be >= 0"),
    ("constant", {"warmup_start_factor": 2.0}, r"warmup_start_factor: must be in \(0, 1\]"),
])
def test_bad_schedule_parameters_raise(kind, params, match):
    opt = optim.SGD({"w": np.zeros(1)}, lr=0.1)
    with pytest.raises(ValueError, match=match):
        SCHEDULERS[kind](opt, **{**KIND_PARAMS[kind], **params})


def test_bad_schedule_names_and_arguments_raise():
    with pytest.raises(ValueError, match=r"schedule: unknown schedule 'cosin'; known schedules: constant"):
        optim.learning_rate("cosin", 0.1, 3)
    with pytest.raises(ValueError, match=r"t: must be >= 0"):
        optim.learning_rate("constant", 0.1, -1)
    with pytest.raises(TypeError, match=r"optimizer: expected a traincore optimiser"):
        optim.StepLR(object(), step_size=3)
