"""Fixtures of the comment tests: one published publication to comment under."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from nashr.publications.models import Publication


@pytest.fixture
def publication(make_publication: Callable[..., Publication]) -> Publication:
    return make_publication()


@pytest.fixture
def moderator(make_staff: Callable[..., Any]) -> Any:
    return make_staff("editor", username="moderator")
