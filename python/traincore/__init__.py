"""traincore: fast model training on a C++ core, every kernel proven against a numpy reference.

Estimators (scikit-learn protocol): ``traincore.linear_model`` and ``traincore.neural_network``.
Low-level API for your own training loops: ``traincore.losses`` (losses with gradients and
hessians), ``traincore.optim`` (optimisers and learning-rate schedules) and ``traincore.nn``
(a multilayer perceptron with forward and backward passes). Reference numpy implementations of
every kernel are in ``traincore.testing``. Models are saved with ``estimator.save(path)`` and
read back with ``traincore.load(path)``.
"""
from . import callbacks, linear_model, losses, neural_network, nn, optim
from ._config import show_config
from ._core import __version__
from .io import load

__all__ = ["__version__", "show_config", "load", "callbacks", "linear_model", "losses",
           "neural_network", "nn", "optim"]
