"""Persistence: save / load / pickle through the one model format, and files that are damaged,
truncated, foreign or hostile."""
from __future__ import annotations

import hashlib
import json
import pickle
import struct
from pathlib import Path

import numpy as np
import pytest

import traincore
from traincore import io
from traincore.linear_model import LinearRegression, LogisticRegression, Ridge, SGDClassifier, SGDRegressor
from traincore.neural_network import MLPClassifier, MLPRegressor

FIXTURES = Path(__file__).parent / "fixtures"


def fitted_models(rng):
    X = rng.normal(size=(120, 5))
    y_reg = X @ rng.normal(size=5)
    y_cls = np.array(["low", "mid", "high"])[np.argmax(X[:, :3], axis=1)]
    return X, [
        SGDRegressor(random_state=0, max_epochs=3, loss="huber", loss_params={"delta": 0.5}).fit(X, y_reg),
        SGDClassifier(random_state=0, max_epochs=3).fit(X.astype(np.float32), y_cls),
        SGDClassifier(random_state=0, max_epochs=3, loss="hinge", class_weight={"low": 2.0}).fit(X, y_cls),
        SGDClassifier(random_state=0, max_epochs=3).fit(X, (y_cls == "low").astype(int) * 5),
        LinearRegression().fit(X, y_reg),
        Ridge(alpha=2.0).fit(X.astype(np.float32), y_reg),
        LogisticRegression(C=0.5).fit(X, y_cls),
        MLPClassifier((6, 4), "tanh", dropout=0.1, max_epochs=3, random_state=0).fit(X.astype(np.float32), y_cls),
        MLPRegressor((5,), max_epochs=3, random_state=0).fit(X, y_reg),
    ]


def test_save_load_and_pickle_predict_bit_identically(tmp_path, rng):
    X, models = fitted_models(rng)
    for i, model in enumerate(models):
        path = tmp_path / f"model{i}.tcm"
        model.save(path)
        for loaded in (traincore.load(path), pickle.loads(pickle.dumps(model))):
            assert type(loaded) is type(model) and loaded.get_params() == model.get_params()
            np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
            for name in ("coef_", "intercept_", "coefs_", "intercepts_"):
                if hasattr(model, name):
                    ours, theirs = getattr(loaded, name), getattr(model, name)
                    for a, b in zip(*((x if isinstance(x, list) else [x]) for x in (ours, theirs))):
                        np.testing.assert_array_equal(a, b)
            if hasattr(model, "classes_"):
                np.testing.assert_array_equal(loaded.classes_, model.classes_)


def test_every_estimator_is_covered():
    from traincore.base import ESTIMATOR_REGISTRY
    _, models = fitted_models(np.random.default_rng(0))
    assert {type(m).__name__ for m in models} == set(ESTIMATOR_REGISTRY)


def test_loaded_model_resumes_training_like_the_original(rng):
    X, models = fitted_models(rng)
    original = models[1]
    copy = pickle.loads(pickle.dumps(original))
    labels = original.predict(X)
    original.partial_fit(X.astype(np.float32), labels)
    copy.partial_fit(X.astype(np.float32), labels)
    np.testing.assert_array_equal(copy.coef_, original.coef_)


def test_unfitted_estimator_round_trips():
    model = SGDClassifier(alpha=0.01, optimizer_params={"betas": (0.8, 0.9)}, class_weight={1: 2.0})
    loaded = io.loads(io.dumps(model))
    assert loaded.get_params()["class_weight"] == {1: 2.0} and loaded.alpha == 0.01
    assert not hasattr(loaded, "coef_")


def test_fixture_from_version_0_1_keeps_loading():
    """A file written by traincore 0.1.0; later versions must keep reading it."""
    model = traincore.load(FIXTURES / "sgd_classifier_v0_1.tcm")
    X = np.load(FIXTURES / "sgd_classifier_v0_1_inputs.npy")
    expected = np.load(FIXTURES / "sgd_classifier_v0_1_predictions.npy", allow_pickle=False)
    np.testing.assert_array_equal(model.predict(X), expected)


def rebuild(header: dict, payload: bytes) -> bytes:
    """A well-formed file (valid checksum) around a chosen header: what a hostile file can do."""
    raw = json.dumps(header).encode()
    body = io.MAGIC + struct.pack("<Q", len(raw)) + raw + payload
    return body + hashlib.sha256(body).digest()


def split(data: bytes) -> tuple[dict, bytes]:
    (length,) = struct.unpack_from("<Q", data, 8)
    return json.loads(data[16:16 + length]), data[16 + length:-32]


def test_damaged_files_raise_value_error(rng, tmp_path):
    _, models = fitted_models(rng)
    data = io.dumps(models[1])
    cases = {
        "empty": b"",
        "foreign": b"PK\x03\x04 this is a zip file, not a model" * 10,
        "truncated": data[: len(data) // 2],
        "one byte flipped": data[:100] + bytes([data[100] ^ 0x40]) + data[101:],
        "checksum cut": data[:-1],
    }
    for name, damaged in cases.items():
        with pytest.raises(ValueError, match="not a valid traincore model"):
            io.loads(damaged)
    path = tmp_path / "bad.tcm"
    path.write_bytes(cases["truncated"])
    with pytest.raises(ValueError, match="not a valid traincore model"):
        traincore.load(path)


def test_hostile_headers_raise_value_error(rng):
    _, models = fitted_models(rng)
    header, payload = split(io.dumps(models[0]))

    def variant(**changes):
        h = json.loads(json.dumps(header))
        for key, value in changes.items():
            h[key] = value
        return h

    arrays = header["arrays"]
    bad = [
        variant(estimator="os.system"),
        variant(format_version=99),
        variant(format="something-else"),
        variant(params={"loss": "squared_error", "no_such_param": 1}),
        variant(arrays=[{**arrays[0], "dtype": "|O"}] + arrays[1:]),
        variant(arrays=[{**arrays[0], "offset": 10**9}] + arrays[1:]),
        variant(arrays=[{**arrays[0], "shape": [10**6, 10**6]}] + arrays[1:]),
        variant(arrays=[{**arrays[0], "shape": [-1]}] + arrays[1:]),
        variant(arrays=[a for a in arrays if a["name"] != "_params"]),
        variant(values={**header["values"], "n_features_in_": 7}),
    ]
    for h in bad:
        with pytest.raises(ValueError, match="not a valid traincore model"):
            io.loads(rebuild(h, payload))
    nan_params = payload.replace(np.asarray(models[0]._params).tobytes(),
                                 np.full_like(models[0]._params, np.nan).tobytes())
    with pytest.raises(ValueError, match="the parameters are not finite"):
        io.loads(rebuild(header, nan_params))


def test_saving_a_foreign_object_raises():
    with pytest.raises(TypeError, match="not a traincore estimator"):
        io.dumps(object())
