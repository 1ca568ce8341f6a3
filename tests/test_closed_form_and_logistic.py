"""LinearRegression and Ridge against numpy.linalg.lstsq and the normal equations;
LogisticRegression against scikit-learn's lbfgs; determinism, persistence, bad input."""
from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest

from traincore.linear_model import LinearRegression, LogisticRegression, Ridge


def regression_problem(rng, n=500, d=12, dtype=np.float64):
    X = rng.normal(size=(n, d)) * rng.uniform(0.5, 3, d) + rng.normal(size=d)
    y = X @ rng.normal(size=d) + 2.5 + 0.3 * rng.normal(size=n)
    return X.astype(dtype), y.astype(dtype)


def test_linear_regression_matches_lstsq(rng, n_threads, isa):
    X, y = regression_problem(rng)
    model = LinearRegression(n_threads=n_threads).fit(X, y)
    solution = np.linalg.lstsq(np.column_stack([X, np.ones(len(y))]), y, rcond=None)[0]
    np.testing.assert_allclose(model.coef_, solution[:-1], rtol=1e-8)
    np.testing.assert_allclose(model.intercept_, solution[-1], rtol=1e-8)
    assert model.rank_ == X.shape[1]
    np.testing.assert_allclose(model.predict(X), X @ solution[:-1] + solution[-1], rtol=1e-8, atol=1e-8)


def test_weighted_and_without_intercept_match_lstsq(rng):
    X, y = regression_problem(rng)
    w = rng.uniform(0.1, 3.0, len(y))
    sw = np.sqrt(w)
    model = LinearRegression(fit_intercept=False).fit(X, y, sample_weight=w)
    solution = np.linalg.lstsq(X * sw[:, None], y * sw, rcond=None)[0]
    np.testing.assert_allclose(model.coef_, solution, rtol=1e-8)
    assert model.intercept_ == 0.0


def test_rank_deficient_X_gives_the_minimum_norm_solution(rng):
    X, y = regression_problem(rng, d=5)
    X = np.column_stack([X, X[:, 0] - 2 * X[:, 3], X[:, 1]])  # two dependent columns
    model = LinearRegression().fit(X, y)
    centred = X - X.mean(axis=0)
    solution = np.linalg.lstsq(centred, y - y.mean(), rcond=None)[0]
    np.testing.assert_allclose(model.coef_, solution, rtol=1e-7, atol=1e-9)
    assert model.rank_ == 5


def test_ridge_matches_its_normal_equations(rng, dtype):
    X, y = regression_problem(rng, dtype=dtype)
    for alpha in (0.0, 0.5, 100.0):
        model = Ridge(alpha=alpha).fit(X, y)
        Xc = X.astype(np.float64) - X.mean(axis=0, dtype=np.float64)
        yc = y.astype(np.float64) - y.mean(dtype=np.float64)
        solution = np.linalg.solve(Xc.T @ Xc + alpha * np.eye(X.shape[1]), Xc.T @ yc)
        assert model.coef_.dtype == dtype
        np.testing.assert_allclose(model.coef_, solution, rtol=1e-5 if dtype == np.float32 else 1e-9)


def test_ridge_matches_scikit_learn(rng):
    sklearn = pytest.importorskip("sklearn.linear_model")
    X, y = regression_problem(rng)
    w = rng.uniform(0.1, 2, len(y))
    ours = Ridge(alpha=3.0).fit(X, y, sample_weight=w)
    theirs = sklearn.Ridge(alpha=3.0).fit(X, y, sample_weight=w)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-9)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=1e-9)


def test_closed_form_is_bit_identical_for_any_thread_count(rng):
    X, y = regression_problem(rng, n=60_000, d=9)
    one, two = LinearRegression(n_threads=1).fit(X, y), LinearRegression(n_threads=2).fit(X, y)
    np.testing.assert_array_equal(one.coef_, two.coef_)
    assert one.intercept_ == two.intercept_


def classification_problem(rng, n=600, d=8, n_classes=2):
    X = rng.normal(size=(n, d))
    y = np.argmax(X @ rng.normal(size=(d, n_classes)) + rng.normal(size=(n, n_classes)), axis=1)
    return X, y


@pytest.mark.parametrize("n_classes", [2, 4])
@pytest.mark.parametrize("C", [0.05, 1.0, 20.0])
def test_logistic_regression_matches_scikit_learn(n_classes, C, rng):
    sklearn = pytest.importorskip("sklearn.linear_model")
    X, y = classification_problem(rng, n_classes=n_classes)
    w = rng.uniform(0.2, 2.0, len(y))
    ours = LogisticRegression(C=C, tol=1e-10, max_iter=2000).fit(X, y, sample_weight=w)
    theirs = sklearn.LogisticRegression(C=C, tol=1e-10, max_iter=10000).fit(X, y, sample_weight=w)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-4)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, atol=1e-4)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-5)


def test_logistic_regression_at_default_tol_is_near_the_optimum(rng):
    """At tol=1e-4 both solvers stop once the largest gradient component is below 1e-4, at
    points of their own paths; each is close to the exact optimum."""
    sklearn = pytest.importorskip("sklearn.linear_model")
    X, y = classification_problem(rng, n_classes=3)
    exact = sklearn.LogisticRegression(tol=1e-12, max_iter=10000).fit(X, y)
    ours = LogisticRegression().fit(X, y)
    theirs = sklearn.LogisticRegression().fit(X, y)
    ours_error = np.abs(ours.coef_ - exact.coef_).max()
    theirs_error = np.abs(theirs.coef_ - exact.coef_).max()
    assert ours_error < max(5e-3, 2 * theirs_error)


def test_logistic_labels_threads_float32_and_persistence(rng):
    X, y = classification_problem(rng, n=5000, n_classes=3)
    labels = np.array(["north", "south", "west"])[y]
    one = LogisticRegression(n_threads=1).fit(X, labels)
    two = LogisticRegression(n_threads=2).fit(X, labels)
    np.testing.assert_array_equal(one.coef_, two.coef_)
    assert set(one.predict(X)) <= set(labels)
    loaded = pickle.loads(pickle.dumps(one))
    np.testing.assert_array_equal(loaded.predict_proba(X), one.predict_proba(X))
    single = LogisticRegression().fit(X.astype(np.float32), labels)
    assert single.coef_.dtype == np.float32 and single.predict_proba(X.astype(np.float32)).shape == (5000, 3)


def test_logistic_warns_when_not_converged_and_warm_starts(rng):
    X, y = classification_problem(rng)
    with pytest.warns(UserWarning, match=r"lbfgs did not converge in 2 iterations"):
        LogisticRegression(max_iter=2, tol=1e-12).fit(X * 100, y)
    model = LogisticRegression(warm_start=True, tol=1e-10, max_iter=500).fit(X, y)
    first = model.n_iter_[0]
    model.fit(X, y)
    assert model.n_iter_[0] < first


def test_closed_form_and_logistic_pass_scikit_learn_checks():
    pytest.importorskip("sklearn")
    from sklearn.utils.estimator_checks import check_estimator
    for estimator in (LinearRegression(), Ridge(), LogisticRegression()):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            results = check_estimator(estimator, on_fail=None)
        failed = [(r["check_name"], str(r["exception"])[:200]) for r in results if r["status"] == "failed"]
        assert not failed, failed


def test_bad_input_raises(rng):
    X, y = regression_problem(rng, n=20, d=3)
    with pytest.raises(ValueError, match=r"alpha: must be a finite number >= 0"):
        Ridge(alpha=-1).fit(X, y)
    with pytest.raises(ValueError, match=r"C: must be a finite number > 0"):
        LogisticRegression(C=0).fit(X, y > 0)
    with pytest.raises(ValueError, match=r"Unknown label type: continuous"):
        LogisticRegression().fit(X, y)
    with pytest.raises(ValueError, match=r"y: needs samples of at least 2 classes"):
        LogisticRegression().fit(X, np.ones(20))
    with pytest.raises(ValueError, match=r"X: contains NaN or infinity"):
        LinearRegression().fit(np.where(X > 1, np.nan, X), y)
    with pytest.raises(ValueError, match=r"X has 2 features, but LinearRegression is expecting 3"):
        LinearRegression().fit(X, y).predict(X[:, :2])
