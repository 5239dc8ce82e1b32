"""The proof of work (ALTCHA): a challenge from this site, solved by the reader's browser.

The challenge is signed with a key derived from SECRET_KEY and expires; a solution is
accepted once (its use is counted, as rate limits are, until the challenge expires: by one
statement, so that workers given the same solution at once accept it once), so one solved
challenge cannot carry a batch of comments. Readers without JavaScript send
none, and their comment waits for a moderator instead.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

from altcha.v1 import ChallengeOptions, create_challenge, verify_solution
from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

from nashr.comments import ratelimit

LIFETIME = dt.timedelta(minutes=20)


def _key() -> str:
    return salted_hmac("nashr.comments.altcha", "hmac-key", algorithm="sha256").hexdigest()


def challenge_new() -> dict[str, Any]:
    options = ChallengeOptions(
        hmac_key=_key(),
        max_number=settings.NASHR_COMMENTS_POW_MAX_NUMBER,
        expires=timezone.now() + LIFETIME,
    )
    challenge: dict[str, Any] = create_challenge(options).to_dict()
    return challenge


def solution_accept(payload: str) -> bool:
    """Whether `payload` solves a challenge of this site, unexpired and never used before."""
    if not payload or len(payload) > 2000:
        return False
    try:
        verified, _error = verify_solution(payload, _key(), check_expires=True)
    except Exception:  # whatever a forged payload makes the library raise
        return False
    if not verified:
        return False
    # The same challenge solved once, whatever JSON spelling a replay wraps it in.
    challenge = str(json.loads(base64.b64decode(payload))["challenge"])
    return ratelimit.hit(
        kind="altcha-used", value=challenge, limit=1, window=int(LIFETIME.total_seconds())
    )
