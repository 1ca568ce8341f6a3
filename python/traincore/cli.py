"""The ``traincore`` command (also ``python -m traincore``)."""
from __future__ import annotations

import argparse
import sys
from typing import Optional, Sequence


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="traincore",
        description="traincore: fast model training on a C++ core.",
        epilog="examples:\n  traincore demo\n  traincore demo --epochs 50 --batch-size 64\n  traincore config",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="train a logistic model with every optimiser on bundled real data")
    demo.add_argument("--epochs", type=int, default=30)
    demo.add_argument("--batch-size", type=int, default=32)
    demo.add_argument("--seed", type=int, default=0)
    commands.add_parser("config", help="print the version, ISA in use, threads and build flags")
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "config":
        from ._config import show_config
        show_config()
        return 0
    if args.epochs < 1 or args.batch_size < 1:
        print("traincore demo: --epochs and --batch-size must be >= 1", file=sys.stderr)
        return 2
    from .demo import run_demo
    run_demo(epochs=args.epochs, batch_size=args.batch_size, seed=args.seed)
    return 0
