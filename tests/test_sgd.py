"""SGDRegressor and SGDClassifier: the loop's behaviour (seeds, threads, early stopping,
callbacks, partial_fit, warm start, Ctrl-C, divergence, the GIL), scikit-learn's estimator
checks, and bad input."""
from __future__ import annotations

import _thread
import threading
import time
import warnings

import numpy as np
import pytest

from traincore.callbacks import Callback, EarlyStopping, History, ProgressBar
from traincore.linear_model import SGDClassifier, SGDRegressor
from traincore.base import NotFittedError


def classification_data(rng, n=400, d=8, n_classes=2, dtype=np.float64):
    X = rng.normal(size=(n, d)).astype(dtype)
    W = rng.normal(size=(d, n_classes))
    y = np.argmax(X @ W + 0.5 * rng.normal(size=(n, n_classes)), axis=1)
    return X, y


def regression_data(rng, n=400, d=8, dtype=np.float64):
    X = rng.normal(size=(n, d)).astype(dtype)
    return X, (X @ rng.normal(size=d) + 0.1 * rng.normal(size=n)).astype(dtype)


# -- determinism --------------------------------------------------------------------------------

@pytest.mark.parametrize("make", ["regressor", "binary", "multinomial", "ovr-hinge"])
def test_same_seed_same_model_for_any_thread_count(make, dtype, rng):
    if make == "regressor":
        X, y = regression_data(rng, dtype=dtype)
        models = [SGDRegressor(random_state=3, max_epochs=5, n_threads=t, early_stopping=True) for t in (1, 2, 2)]
    else:
        X, y = classification_data(rng, n_classes=2 if make == "binary" else 3, dtype=dtype)
        loss = "hinge" if make == "ovr-hinge" else "log_loss"
        models = [SGDClassifier(loss=loss, random_state=3, max_epochs=5, n_threads=t, early_stopping=True)
                  for t in (1, 2, 2)]
    for m in models:
        m.fit(X, y)
    for m in models[1:]:
        np.testing.assert_array_equal(m.coef_, models[0].coef_)
        np.testing.assert_array_equal(m.intercept_, models[0].intercept_)
    assert models[0].coef_.dtype == dtype
    other = type(models[0])(**{**models[0].get_params(), "random_state": 4}).fit(X, y)
    assert not np.array_equal(other.coef_, models[0].coef_)


# -- the loop -----------------------------------------------------------------------------------

def test_early_stopping_restores_the_best_epoch(rng):
    X, y = regression_data(rng, n=300)
    X_val, y_val = regression_data(rng, n=100)
    y_val = y_val + 3.0 * rng.normal(size=100)   # noisy validation: the best epoch is not the last
    snapshots = {}

    def record(logs):
        snapshots[logs["epoch"]] = (model.coef_.copy(), logs["val_loss"])

    model = SGDRegressor(random_state=0, max_epochs=60, learning_rate=0.05, n_iter_no_change=3, tol=0.0,
                         callbacks=[record])
    model.fit(X, y, validation_data=(X_val, y_val))
    best_epoch = min(snapshots, key=lambda e: snapshots[e][1])
    assert model.n_iter_ < 60 and best_epoch < max(snapshots)
    np.testing.assert_array_equal(model.coef_, snapshots[best_epoch][0])


def test_callbacks_see_every_epoch_and_can_stop(rng):
    X, y = classification_data(rng)
    history, seen = History(), []
    model = SGDClassifier(random_state=0, max_epochs=7, tol=None, callbacks=[history, lambda logs: seen.append(logs)])
    model.fit(X, y)
    assert history.history["epoch"] == list(range(1, 8)) == [logs["epoch"] for logs in seen]
    assert model.history_["loss"] == history.history["loss"] == model.loss_curve_
    assert all(logs["seconds"] >= 0 and logs["lr"] == 0.01 for logs in seen)
    stopper = SGDClassifier(random_state=0, max_epochs=50, tol=None, callbacks=[lambda logs: logs["epoch"] == 3])
    assert stopper.fit(X, y).n_iter_ == 3


def test_early_stopping_callback_restores_best(rng):
    X, y = classification_data(rng)
    X_val, y_val = classification_data(rng, n=100)
    stopper = EarlyStopping(monitor="val_loss", patience=2, restore_best=True)
    model = SGDClassifier(random_state=0, max_epochs=200, tol=None, learning_rate=0.3, optimizer="sgd",
                          callbacks=[stopper])
    model.fit(X, y, validation_data=(X_val, y_val))
    assert model.n_iter_ == stopper.best_epoch + 2
    losses = model.history_["val_loss"]
    assert stopper.best == min(losses)


def test_progress_bar_writes_only_to_a_terminal(rng, capsys):
    import io
    X, y = regression_data(rng)
    buffer = io.StringIO()
    SGDRegressor(random_state=0, max_epochs=3, tol=None, callbacks=[ProgressBar(file=buffer)]).fit(X, y)
    assert buffer.getvalue() == ""
    forced = io.StringIO()
    SGDRegressor(random_state=0, max_epochs=3, tol=None, callbacks=[ProgressBar(file=forced, force=True)]).fit(X, y)
    assert "epoch 3/3" in forced.getvalue() and "loss" in forced.getvalue() and "ETA" in forced.getvalue()


def test_partial_fit_over_two_halves_equals_one_epoch_fit(dtype, rng):
    X, y = classification_data(rng, n=256, dtype=dtype)
    settings = dict(random_state=0, batch_size=32, shuffle=False, tol=None, optimizer="adam")
    whole = SGDClassifier(**settings, max_epochs=1).fit(X, y)
    halves = SGDClassifier(**settings)
    halves.partial_fit(X[:128], y[:128], classes=np.unique(y))
    halves.partial_fit(X[128:], y[128:])
    # The optimiser state continues across calls: same steps, same parameters.
    np.testing.assert_array_equal(halves.coef_, whole.coef_)
    assert halves.t_ == whole.t_ == 8


def test_warm_start_continues_from_the_previous_fit(rng):
    X, y = regression_data(rng)
    model = SGDRegressor(random_state=0, max_epochs=2, tol=None, warm_start=True).fit(X, y)
    first = model.coef_.copy()
    model.fit(X, y)
    assert model.t_ > 0 and not np.array_equal(model.coef_, first)
    cold = SGDRegressor(random_state=0, max_epochs=2, tol=None).fit(X, y)
    np.testing.assert_array_equal(cold.coef_, first)


def test_divergence_stops_with_a_clear_error(rng):
    X, y = regression_data(rng)
    with pytest.raises(RuntimeError, match=r"training diverged in epoch \d+: the training loss is (nan|inf).*smaller learning rate"):
        SGDRegressor(optimizer="sgd", learning_rate=1e6, random_state=0, max_epochs=50).fit(X * 1e3, y)


def test_ctrl_c_stops_within_a_second_and_leaves_a_usable_model(rng):
    X = rng.normal(size=(200_000, 20))
    y = X @ rng.normal(size=20)
    model = SGDRegressor(random_state=0, max_epochs=10_000, tol=None, batch_size=8)
    timer = threading.Timer(0.5, _thread.interrupt_main)
    start = time.perf_counter()
    timer.start()
    with pytest.warns(RuntimeWarning, match="interrupted"):
        model.fit(X, y)
    assert time.perf_counter() - start < 2.5
    assert np.isfinite(model.predict(X[:5])).all()


def test_fit_releases_the_gil(rng):
    X = rng.normal(size=(100_000, 20))
    y = X @ rng.normal(size=20)
    model = SGDRegressor(random_state=0, max_epochs=3, tol=None, batch_size=4)
    worker = threading.Thread(target=model.fit, args=(X, y))
    worker.start()
    ticks = 0
    while worker.is_alive():
        ticks += 1
        time.sleep(0.001)
    assert ticks > 20   # the main thread kept running while the fit worked


# -- scikit-learn -------------------------------------------------------------------------------

def test_scikit_learn_estimator_checks():
    pytest.importorskip("sklearn")
    from sklearn.utils.estimator_checks import check_estimator
    for estimator in (SGDClassifier(random_state=0), SGDRegressor(random_state=0),
                      SGDClassifier(loss="hinge", random_state=0)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            results = check_estimator(estimator, on_fail=None)
        failed = [(r["check_name"], str(r["exception"])[:200]) for r in results if r["status"] == "failed"]
        assert not failed, failed


def test_works_in_a_pipeline_with_pandas_and_labels(rng):
    pd = pytest.importorskip("pandas")
    sklearn_pipeline = pytest.importorskip("sklearn.pipeline")
    from sklearn.preprocessing import StandardScaler
    X, y = classification_data(rng, n_classes=3)
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    labels = np.array(["cat", "dog", "eel"])[y]
    model = SGDClassifier(random_state=0).fit(frame, labels)
    assert list(model.feature_names_in_) == list(frame.columns)
    assert set(model.predict(frame)) <= set(labels) and model.score(frame, labels) > 0.8
    pipe = sklearn_pipeline.make_pipeline(StandardScaler(), SGDClassifier(random_state=0)).fit(X, labels)
    assert pipe.score(X, labels) > 0.8


# -- bad input ----------------------------------------------------------------------------------

@pytest.mark.parametrize("X,match,error", [
    (np.array([[1.0, np.nan], [2.0, 3.0]]), r"X: contains NaN or infinity", ValueError),
    (np.array([[1.0, np.inf], [2.0, 3.0]]), r"X: contains NaN or infinity", ValueError),
    (np.array([1.0, 2.0]), r"X: expected a 2-D array, got 1-D", ValueError),
    (np.zeros((0, 2)), r"X: found array with 0 sample", ValueError),
    (np.array([["a", "b"], ["c", "d"]]), r"X: expected numeric values, got dtype <U1", TypeError),
    (np.array([[1.0, {}], [2.0, 3.0]], dtype=object), r"X: could not convert to float", TypeError),
])
def test_bad_X_raises(X, match, error):
    with pytest.raises(error, match=match):
        SGDRegressor().fit(X, np.zeros(len(X)))


def test_bad_y_and_weights_raise(rng):
    X, y = regression_data(rng, n=10)
    with pytest.raises(ValueError, match=r"y: has 9 entries but X has 10 samples"):
        SGDRegressor().fit(X, y[:9])
    with pytest.raises(ValueError, match=r"y: contains NaN or infinity"):
        SGDRegressor().fit(X, np.where(np.arange(10) == 3, np.nan, y))
    with pytest.raises(ValueError, match=r"y: needs samples of at least 2 classes"):
        SGDClassifier().fit(X, np.zeros(10))
    with pytest.raises(ValueError, match=r"sample_weight: negative weights"):
        SGDRegressor().fit(X, y, sample_weight=-np.ones(10))
    with pytest.raises(ValueError, match=r"sample_weight: contains NaN or infinity"):
        SGDRegressor().fit(X, y, sample_weight=np.full(10, np.inf))
    with pytest.raises(ValueError, match=r"y: the poisson loss needs non-negative targets"):
        SGDRegressor(loss="poisson").fit(X, y - 100)


def test_bad_hyperparameters_raise(rng):
    X, y = regression_data(rng, n=10)
    cases = [
        (dict(loss="hubber"), ValueError, r"loss: 'hubber' is not a regression loss"),
        (dict(loss="log_loss"), ValueError, r"loss: 'log_loss' is not a regression loss"),
        (dict(optimizer="adamx"), ValueError, r"optimizer: unknown optimiser 'adamx'"),
        (dict(penalty="l3"), ValueError, r"penalty: expected 'l2', 'l1', 'elasticnet' or None"),
        (dict(learning_rate=0), ValueError, r"learning_rate: must be a finite number > 0"),
        (dict(alpha=-1), ValueError, r"alpha: must be a finite number >= 0"),
        (dict(batch_size=0), ValueError, r"batch_size: must be >= 1"),
        (dict(max_epochs=1.5), TypeError, r"max_epochs: expected an int"),
        (dict(validation_fraction=1.0, early_stopping=True), ValueError, r"validation_fraction: must be in \(0, 1\)"),
        (dict(optimizer_params={"momentum": 1.5}, optimizer="sgd"), ValueError, r"momentum: must be in \[0, 1\)"),
        (dict(optimizer_params={"nesterov_": True}, optimizer="sgd"), ValueError, r"optimizer_params: \['nesterov_'\] are not"),
        (dict(schedule="cosin"), ValueError, r"schedule: unknown schedule 'cosin'"),
        (dict(loss="huber", loss_params={"delta": -1}), ValueError, r"delta: must be a finite number > 0"),
        (dict(random_state=-1), ValueError, r"random_state: must be >= 0"),
        (dict(n_threads=0), ValueError, r"n_threads: must be None or >= 1"),
    ]
    for params, error, match in cases:
        with pytest.raises(error, match=match):
            SGDRegressor(**params).fit(X, y)
    with pytest.raises(ValueError, match=r"class_weight: label 7 is not one of the classes"):
        SGDClassifier(class_weight={7: 2.0}).fit(X, np.arange(10) % 2)


def test_predict_before_fit_and_wrong_feature_count(rng):
    X, y = regression_data(rng, n=20)
    with pytest.raises(NotFittedError, match=r"not fitted yet"):
        SGDRegressor().predict(X)
    model = SGDRegressor(max_epochs=2).fit(X, y)
    with pytest.raises(ValueError, match=r"X has 3 features, but SGDRegressor is expecting 8 features"):
        model.predict(X[:, :3])


def test_read_only_and_non_contiguous_X_are_not_modified(rng):
    X, y = regression_data(rng, n=50)
    wide = np.repeat(X, 2, axis=1)
    view = wide[:, ::2]
    view.flags.writeable = False
    before = view.copy()
    model = SGDRegressor(random_state=0, max_epochs=3).fit(view, y)
    np.testing.assert_array_equal(view, before)
    np.testing.assert_array_equal(model.predict(view), SGDRegressor(random_state=0, max_epochs=3).fit(X, y).predict(X))
