from ycworker.cli import entry_point

entry_point()
