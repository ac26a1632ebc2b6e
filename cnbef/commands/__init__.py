"""The subcommands of `cnbef`, one module each; scripts/*.py are thin aliases of them."""
