"""``python -m clean_seeds``: the same commands as the ``clean-seeds`` console script."""

from .cli import app

app(prog_name="clean-seeds")
