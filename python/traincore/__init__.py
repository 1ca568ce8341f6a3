"""traincore: fast model training on a C++ core, every kernel proven against a numpy reference."""
from ._core import __version__
from ._config import show_config

__all__ = ["__version__", "show_config"]
