"""The login throttle on a clock of its own: limits per account and per address, and when they lift."""

from __future__ import annotations

import pytest

from douflow.security.login_throttle import LoginThrottle, Throttled


class Clock:
    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now


def throttle(clock: Clock, per_account: int = 3, per_address: int = 5, max_keys: int = 100) -> LoginThrottle:
    return LoginThrottle(per_account, per_address, window_seconds=60, clock=clock, max_keys=max_keys)


def test_an_account_is_held_until_its_oldest_attempt_leaves_the_window() -> None:
    clock = Clock()
    logins = throttle(clock)
    for second in range(3):
        clock.now = 5000.0 + second
        logins.admit("acme/olivia", "10.0.0.1")
    with pytest.raises(Throttled) as held:
        logins.admit("acme/olivia", "10.0.0.2")
    assert held.value.retry_after == 58
    clock.now = 5059.5
    with pytest.raises(Throttled) as almost:
        logins.admit("acme/olivia", "10.0.0.1")
    assert almost.value.retry_after == 1
    clock.now = 5060.0
    logins.admit("acme/olivia", "10.0.0.1")


def test_an_address_is_held_across_accounts() -> None:
    logins = throttle(Clock())
    for n in range(5):
        logins.admit(f"acme/user{n}", "10.0.0.9")
    with pytest.raises(Throttled):
        logins.admit("acme/someone-else", "10.0.0.9")
    logins.admit("acme/someone-else", "10.0.0.10")


def test_a_success_clears_the_account_and_takes_its_attempt_back_from_the_address() -> None:
    logins = throttle(Clock(), per_account=3, per_address=3)
    logins.admit("acme/olivia", "10.0.0.1")
    logins.admit("acme/olivia", "10.0.0.1")
    logins.succeeded(logins.admit("acme/olivia", "10.0.0.1"))
    logins.admit("acme/olivia", "10.0.0.1")
    with pytest.raises(Throttled):
        logins.admit("acme/olivia", "10.0.0.1")


def test_a_withdrawn_attempt_does_not_count() -> None:
    logins = throttle(Clock(), per_account=1)
    logins.withdraw(logins.admit("acme/olivia", "10.0.0.1"))
    logins.admit("acme/olivia", "10.0.0.1")


def test_attempts_count_from_admission_so_concurrent_guesses_cannot_pass_the_limit() -> None:
    logins = throttle(Clock(), per_account=2)
    logins.admit("acme/olivia", "10.0.0.1")
    logins.admit("acme/olivia", "10.0.0.2")
    with pytest.raises(Throttled):
        logins.admit("acme/olivia", "10.0.0.3")


def test_memory_is_bounded_by_forgetting_the_oldest_keys() -> None:
    logins = throttle(Clock(), per_account=1, per_address=1000, max_keys=2)
    for name in ("a", "b", "c"):
        logins.admit(name, "10.0.0.1")
    logins.admit("a", "10.0.0.1")
    with pytest.raises(Throttled):
        logins.admit("c", "10.0.0.1")
