"""Fixtures of the comment tests: a publication to comment under, a poster, a moderator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from altcha.v1 import Payload, solve_challenge
from django.test import Client

from nashr.comments import proof
from nashr.publications.models import Publication

ORIGIN = "http://testserver"


@pytest.fixture
def publication(make_publication: Callable[..., Publication]) -> Publication:
    return make_publication()


@pytest.fixture
def moderator(make_staff: Callable[..., Any]) -> Any:
    user = make_staff("editor", username="kaveh-editor")
    user.email = "moderator@example.org"
    user.save()
    return user


def solved() -> str:
    """A proof of work solved as the reader's script solves it."""
    challenge = proof.challenge_new()
    solution = solve_challenge(
        challenge["challenge"], challenge["salt"], challenge["algorithm"], challenge["maxNumber"]
    )
    assert solution is not None
    return str(
        Payload(
            challenge["algorithm"],
            challenge["challenge"],
            solution.number,
            challenge["salt"],
            challenge["signature"],
        ).to_base64()
    )


@pytest.fixture
def post_comment(client: Client) -> Callable[..., Any]:
    """Post the comment form as a reader's browser does, from the publication's page, and
    follow the redirect to the page saying what became of the comment."""

    def post(
        publication: Publication,
        *,
        body: str = "A thoughtful comment.",
        name: str = "Reader",
        pow: bool = False,
        address: str = "203.0.113.7",
        **fields: Any,
    ) -> Any:
        data = {"name": name, "body": body, "website": "", "altcha": solved() if pow else ""}
        data.update(fields)
        return client.post(
            f"/en/p/{publication.pk}/comments/",
            data,
            HTTP_ORIGIN=ORIGIN,
            REMOTE_ADDR=address,
            follow=True,
        )

    return post
