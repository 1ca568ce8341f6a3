"""scikit-learn estimator tags, built only when scikit-learn asks for them (it is optional)."""
from __future__ import annotations

from typing import Any


def _tags(estimator: Any, estimator_type: str) -> Any:
    from sklearn.utils import ClassifierTags, InputTags, RegressorTags, Tags, TargetTags

    return Tags(
        estimator_type=estimator_type,
        target_tags=TargetTags(required=True),
        classifier_tags=ClassifierTags() if estimator_type == "classifier" else None,
        regressor_tags=RegressorTags() if estimator_type == "regressor" else None,
        input_tags=InputTags(),
    )


def classifier_tags(estimator: Any) -> Any:
    return _tags(estimator, "classifier")


def regressor_tags(estimator: Any) -> Any:
    return _tags(estimator, "regressor")
