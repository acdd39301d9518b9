"""Orchestration: the Dagster instance, the one job and schedule, versions and the build."""
