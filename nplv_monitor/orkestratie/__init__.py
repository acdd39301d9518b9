"""Orchestration: partitions for the rapportagejaar, jobs, schedules and the in-process build."""
