"""When a failed item is tried again (wiredesk.domain.retry): the next run, then backoff, a cap, new bytes or code."""

from datetime import UTC, datetime, timedelta

from wiredesk.domain.models import Failure
from wiredesk.domain.retry import FailureRecord, RetryPolicy, has_given_up, is_waiting, may_try, next_attempts, retry_at

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
POLICY = RetryPolicy(attempts=5, backoff=timedelta(minutes=15), max_backoff=timedelta(hours=1), code_version="v1")
PASSING = Failure("https://x/a", "fetch", "timeout", "slow", may_pass=True)
LASTING = Failure("/in/a.html", "clean", "no_text", "no text", content="sha-a")


def test_a_failure_that_may_pass_is_tried_at_the_next_run_then_with_doubling_waits_up_to_the_cap():
    waits = [retry_at(n, PASSING, NOW, POLICY) for n in range(1, 6)]
    assert waits[:4] == [NOW, NOW + timedelta(minutes=15), NOW + timedelta(minutes=30), NOW + timedelta(hours=1)]
    assert waits[4] is None  # the fifth failure is the last attempt


def test_a_failure_that_will_not_pass_waits_for_new_content_or_code():
    assert retry_at(1, LASTING, NOW, POLICY) is None


def test_the_attempts_count_up_and_start_again_with_new_content_or_code():
    record = FailureRecord("/in/a.html", 3, None, "sha-a", "v1")
    assert next_attempts(None, LASTING, "v1") == 1
    assert next_attempts(record, LASTING, "v1") == 4
    assert next_attempts(record, Failure("/in/a.html", "clean", "no_text", "x", content="sha-b"), "v1") == 1
    assert next_attempts(record, LASTING, "v2") == 1


def test_an_item_is_tried_when_new_when_its_bytes_or_the_code_changed_or_its_time_has_come():
    gave_up = FailureRecord("/in/a.html", 1, None, "sha-a", "v1")
    waiting = FailureRecord("https://x/a", 2, NOW + timedelta(minutes=15), None, "v1")
    assert may_try(None, NOW, "v1")
    assert not may_try(gave_up, NOW, "v1", "sha-a")
    assert may_try(gave_up, NOW, "v1", "sha-b") and may_try(gave_up, NOW, "v2", "sha-a")
    assert not may_try(waiting, NOW, "v1") and may_try(waiting, NOW + timedelta(minutes=15), "v1")
    assert is_waiting(waiting, NOW, "v1") and not is_waiting(waiting, NOW, "v2")
    assert has_given_up(gave_up, "v1") and not has_given_up(waiting, "v1")
