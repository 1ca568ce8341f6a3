"""traincore: fast model training on a C++ core, every kernel proven against a numpy reference.

Low-level API for your own training loops: ``traincore.losses`` (losses with gradients and
hessians) and ``traincore.optim`` (optimisers and learning-rate schedules). Reference numpy
implementations of every kernel are in ``traincore.testing``.
"""
from . import losses, optim
from ._config import show_config
from ._core import __version__

__all__ = ["__version__", "show_config", "losses", "optim"]
