"""The fake REAPER's worker environment, for the tuning/clean-up actions' end-to-end tests."""

from tests.reaper.conftest import worker_env  # noqa: F401  (a fixture of tests/reaper, used here too)
