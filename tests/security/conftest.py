"""The Zalo fixtures, for the security tests that run through a real Zalo channel."""

from tests.zalo.conftest import fake, zalo  # noqa: F401
