"""Textual screens and widgets. Screens call ycworker services; they never touch SQL."""
