"""Caseload."""
