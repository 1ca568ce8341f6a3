"""The linear models on the real datasets of ../shared/data reach held-out quality within 0.01
of their scikit-learn counterparts (skipped where the data or scikit-learn is missing)."""
from __future__ import annotations

import numpy as np
import pytest

import real_data
from traincore.linear_model import LinearRegression, LogisticRegression, Ridge, SGDClassifier, SGDRegressor

sklearn_linear = pytest.importorskip("sklearn.linear_model")


def accuracy(model, X, y):
    return float(np.mean(model.predict(X) == y))


@pytest.mark.parametrize("dataset", ["breast_cancer", "a9a", "higgs_7k"])
def test_classifiers_match_scikit_learn(dataset):
    X, y, X_test, y_test = getattr(real_data, dataset)()
    pairs = [
        (LogisticRegression(C=1.0, max_iter=500), sklearn_linear.LogisticRegression(C=1.0, max_iter=2000)),
        (SGDClassifier(random_state=0, max_epochs=30, batch_size=64),
         sklearn_linear.SGDClassifier(loss="log_loss", random_state=0, max_iter=30)),
    ]
    for ours, theirs in pairs:
        ours_score, theirs_score = accuracy(ours.fit(X, y), X_test, y_test), accuracy(theirs.fit(X, y), X_test, y_test)
        assert ours_score >= theirs_score - 0.01, (type(ours).__name__, ours_score, theirs_score)


@pytest.mark.parametrize("dataset", ["california_housing", "bike_sharing_hour"])
def test_regressors_match_scikit_learn(dataset):
    X, y, X_test, y_test = getattr(real_data, dataset)()
    pairs = [
        (LinearRegression(), sklearn_linear.LinearRegression()),
        (Ridge(alpha=10.0), sklearn_linear.Ridge(alpha=10.0)),
        (SGDRegressor(random_state=0, max_epochs=30, batch_size=64),
         sklearn_linear.SGDRegressor(random_state=0, max_iter=30)),
    ]
    for ours, theirs in pairs:
        ours_r2 = ours.fit(X, y).score(X_test, y_test)
        theirs_r2 = theirs.fit(X, y).score(X_test, y_test)
        assert ours_r2 >= theirs_r2 - 0.01, (type(ours).__name__, ours_r2, theirs_r2)
