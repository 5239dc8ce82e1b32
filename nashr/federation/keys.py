"""Each actor's key pair, made the first time it is needed and kept in the database."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from nashr.federation import documents, signatures
from nashr.federation.models import ActorKey
from nashr.federation.remote import Signer


def actor_key(language: str) -> ActorKey:
    """The key pair of `language`'s actor, made on first use (two makers: one wins)."""
    found = ActorKey.objects.filter(language=language).first()
    if found is not None:
        return found
    private, public = signatures.key_pair_new()
    try:
        with transaction.atomic():
            return ActorKey.objects.create(
                language=language, public_key_pem=public, private_key_pem=private
            )
    except IntegrityError:
        return ActorKey.objects.get(language=language)


def signer(language: str) -> Signer:
    return Signer(
        key_id=documents.key_id(language), private_key_pem=actor_key(language).private_key_pem
    )
