"""Service log."""
