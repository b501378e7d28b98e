"""Hypothesis profiles for the fuzz tests: ``ci`` (default: modest counts, CI stays fast) and ``slow``
(``WIREDESK_FUZZ_PROFILE=slow``, used by ``make reliability``: large counts, figures in docs/reliability.md)."""

import os

from hypothesis import HealthCheck, settings

settings.register_profile("ci", max_examples=60, deadline=None, derandomize=False,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("slow", max_examples=3000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile(os.environ.get("WIREDESK_FUZZ_PROFILE", "ci"))
