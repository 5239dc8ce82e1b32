"""Who may do what to a publication (the roles are in ``nashr.accounts.roles``).

- ``change_publication`` without ``publish_publication`` (authors): anything not yet
  published; once a text is public, a change to it is a publication decision.
- ``translate_publication`` (translators): add translations, and change translations in
  any state, so that an outdated one can be brought up to date; never the status of a
  published one, nor an original.
- ``publish_publication`` (editors): publish, unpublish, and change anything they can.
"""

from __future__ import annotations

from typing import Any

from nashr.publications.models import Publication

ADD = "publications.add_publication"
CHANGE = "publications.change_publication"
PUBLISH = "publications.publish_publication"
TRANSLATE = "publications.translate_publication"


def can_publish(user: Any) -> bool:
    return bool(user.has_perm(PUBLISH))


def can_add(user: Any) -> bool:
    """Adding anything, or (translators) adding translations only."""
    return bool(user.has_perm(ADD) or user.has_perm(TRANSLATE))


def can_add_original(user: Any) -> bool:
    return bool(user.has_perm(ADD))


def can_change(user: Any, publication: Publication | None = None) -> bool:
    if publication is None:
        return bool(user.has_perm(CHANGE) or user.has_perm(TRANSLATE))
    if publication.translation_of_id is not None and user.has_perm(TRANSLATE):
        return True
    if not user.has_perm(CHANGE):
        return False
    return not publication.is_published or can_publish(user)
