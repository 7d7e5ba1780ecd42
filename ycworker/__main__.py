"""`python -m ycworker`: the same as the `ycworker` command."""

from ycworker.cli import entry_point

if __name__ == "__main__":
    entry_point()
