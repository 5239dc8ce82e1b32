"""Signed tokens: the fast signer makes exactly Django's Signer tokens, which the views read."""

from __future__ import annotations

import pytest
from django.core import signing

from nashr.subscribers import tokens

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("purpose", [tokens.UNSUBSCRIBE, tokens.DATA])
def test_fast_tokens_equal_django_signer_tokens(make_series, make_subscribers, purpose) -> None:
    """make_token and LinkMaker give Signer(salt=...).sign()'s token, and read_token reads it."""
    series = make_series()
    (subscriber,) = make_subscribers(series, 1, prefix="lecteur.élève")
    series_ids = (series.pk, series.pk + 7)
    expected = signing.Signer(salt=f"{purpose}:{subscriber.email}").sign(
        f"{subscriber.pk}.{series.pk}-{series.pk + 7}"
    )
    made = tokens.make_token(
        purpose=purpose, subscriber_id=subscriber.pk, email=subscriber.email, series_ids=series_ids
    )
    view = "subscribers:unsubscribe" if purpose == tokens.UNSUBSCRIBE else "subscribers:data"
    url = tokens.LinkMaker(view=view, purpose=purpose, language="fa").url(
        subscriber_id=subscriber.pk, email=subscriber.email, series_ids=series_ids
    )
    assert made == expected
    assert url == tokens.absolute_url(view=view, token=expected, language="fa")
    data = tokens.read_token(purpose=purpose, token=made)
    assert (data.subscriber, data.series_ids) == (subscriber, series_ids)


def test_a_token_of_another_purpose_is_refused(make_series, make_subscribers) -> None:
    """An unsubscribe token does not open the data page (the purpose is in the salt)."""
    (subscriber,) = make_subscribers(make_series(), 1)
    token = tokens.make_token(
        purpose=tokens.UNSUBSCRIBE, subscriber_id=subscriber.pk, email=subscriber.email
    )
    with pytest.raises(tokens.InvalidToken):
        tokens.read_token(purpose=tokens.DATA, token=token)
