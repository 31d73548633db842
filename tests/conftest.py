"""Shared test setup: deterministic hypothesis, no user data touched."""

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "meshdrill", derandomize=True, deadline=None, max_examples=100,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("meshdrill")


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """Every test gets its own MESHDRILL_HOME so nothing touches the real user data."""
    monkeypatch.setenv("MESHDRILL_HOME", str(tmp_path / "meshdrill-home"))
