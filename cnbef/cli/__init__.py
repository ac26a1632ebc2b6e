"""The subcommands of `cnbef`, one module each; scripts/*.py are thin aliases of them."""
from pathlib import Path

from cnbef import PACKAGE_DIR


def package_root() -> Path:
    """The package a command works on: the current folder when it holds one, else the checkout or installed package."""
    return Path.cwd() if (Path.cwd() / "datapackage.json").is_file() else PACKAGE_DIR
