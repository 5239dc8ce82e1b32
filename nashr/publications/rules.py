"""Who may do what to a publication (the roles are in ``nashr.accounts.roles``).

- ``change_publication`` without ``publish_publication`` (authors): anything not yet
  published; once a text is public, a change to it is a publication decision.
- ``translate_publication`` (translators): add translations, and change translations in
  any state, so that an outdated one can be brought up to date; never the status of a
  published one, nor an original.
- ``publish_publication`` (editors): publish, unpublish, and change anything they can.
- ``delete_publication``: delete drafts; a published text only with ``publish_publication``
  too, since deleting it takes it off the site.
"""

from __future__ import annotations

from nashr.core.actors import Actor, refusal, require, require_any
from nashr.publications.models import Publication

ADD = "publications.add_publication"
CHANGE = "publications.change_publication"
DELETE = "publications.delete_publication"
PUBLISH = "publications.publish_publication"
TRANSLATE = "publications.translate_publication"


KIND_ADD = "publications.add_kind"
KIND_CHANGE = "publications.change_kind"
SIGNATORY_ADD = "publications.add_signatory"
SIGNATORY_CHANGE = "publications.change_signatory"


def can_publish(actor: Actor) -> bool:
    return bool(actor.has_perm(PUBLISH))


def can_add(actor: Actor) -> bool:
    """Adding anything, or (translators) adding translations only."""
    return bool(actor.has_perm(ADD) or actor.has_perm(TRANSLATE))


def can_add_original(actor: Actor) -> bool:
    return bool(actor.has_perm(ADD))


def can_change(actor: Actor, publication: Publication | None = None) -> bool:
    if publication is None:
        return bool(actor.has_perm(CHANGE) or actor.has_perm(TRANSLATE))
    if publication.translation_of_id is not None and actor.has_perm(TRANSLATE):
        return True
    if not actor.has_perm(CHANGE):
        return False
    return not publication.is_published or can_publish(actor)


def can_delete(actor: Actor, publication: Publication | None = None) -> bool:
    """Deleting; a published text also needs the right to publish (it leaves the site)."""
    if not actor.has_perm(DELETE):
        return False
    return publication is None or not publication.is_published or can_publish(actor)


# The services call these; each raises PermissionDenied naming the actor and the action.


def require_publish(actor: Actor, publication: Publication | None = None) -> None:
    what = f"publish or unpublish “{publication}”" if publication else "publish or unpublish"
    require(actor, PUBLISH, action=what)


def require_add(actor: Actor, *, translation: bool) -> None:
    if translation:
        require_any(actor, ADD, TRANSLATE, action="add a translation")
    else:
        require(actor, ADD, action="add a publication (translators add translations only)")


def require_change(actor: Actor, publication: Publication) -> None:
    if not can_change(actor, publication):
        state = "published " if publication.is_published else ""
        raise refusal(actor, action=f"change the {state}publication “{publication}”")


def require_delete(actor: Actor, publication: Publication) -> None:
    if not can_delete(actor, publication):
        state = "published " if publication.is_published else ""
        raise refusal(actor, action=f"delete the {state}publication “{publication}”")
