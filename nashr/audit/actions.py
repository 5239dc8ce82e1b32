"""What an audit entry's action code ("publication.publish") says, in the reader's language.

The code stays as stored (it is what searches and exports match); the admin shows this
label beside it. A code is an entity and a verb: each is named here, and a code whose
entity or verb is not (an app added later) is shown as it is.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy

ENTITIES: dict[str, str | Promise] = {
    "bulletin": pgettext_lazy("audited", "Bulletin issue"),
    "comment": pgettext_lazy("audited", "Comment"),
    "comment_block": pgettext_lazy("audited", "Commenter block"),
    "comment_pattern": pgettext_lazy("audited", "Comment pattern"),
    "comment_policy": pgettext_lazy("audited", "Comment settings"),
    "kind": pgettext_lazy("audited", "Kind"),
    "login": pgettext_lazy("audited", "Login"),
    "media": pgettext_lazy("audited", "Image or attachment"),
    "publication": pgettext_lazy("audited", "Publication"),
    "role": pgettext_lazy("audited", "Role"),
    "series": pgettext_lazy("audited", "Bulletin series"),
    "signatory": pgettext_lazy("audited", "Signatory"),
    "site": pgettext_lazy("audited", "Site"),
    "staff": pgettext_lazy("audited", "Staff account"),
    "subscriber": pgettext_lazy("audited", "Subscriber"),
    "totp_device": pgettext_lazy("audited", "Authenticator app"),
    "static_device": pgettext_lazy("audited", "Backup codes"),
}
VERBS: dict[str, str | Promise] = {
    "add": pgettext_lazy("audited", "added"),
    "backup": pgettext_lazy("audited", "backed up"),
    "backup_codes_remove": pgettext_lazy("audited", "backup codes removed"),
    "block": pgettext_lazy("audited", "blocked"),
    "correct": pgettext_lazy("audited", "corrected"),
    "create": pgettext_lazy("audited", "created"),
    "delete": pgettext_lazy("audited", "deleted"),
    "draft": pgettext_lazy("audited", "drafted"),
    "enrolment_open": pgettext_lazy("audited", "second-factor enrolment opened"),
    "export": pgettext_lazy("audited", "exported"),
    "failure": pgettext_lazy("audited", "failed"),
    "import": pgettext_lazy("audited", "imported"),
    "items_set": pgettext_lazy("audited", "items set"),
    "moderate": pgettext_lazy("audited", "moderated"),
    "passkey_enrol": pgettext_lazy("audited", "passkey added"),
    "passkey_remove": pgettext_lazy("audited", "passkey removed"),
    "password_set": pgettext_lazy("audited", "password set"),
    "pattern": pgettext_lazy("audited", "pattern list changed"),
    "policy": pgettext_lazy("audited", "settings changed"),
    "publish": pgettext_lazy("audited", "published"),
    "purge_unconfirmed": pgettext_lazy("audited", "unconfirmed addresses deleted"),
    "reply": pgettext_lazy("audited", "replied to"),
    "restore": pgettext_lazy("audited", "restored"),
    "roles_set": pgettext_lazy("audited", "roles set"),
    "schedule": pgettext_lazy("audited", "scheduled"),
    "schedule_failed": pgettext_lazy("audited", "scheduled publishing failed"),
    "schedule_send": pgettext_lazy("audited", "sending scheduled"),
    "send": pgettext_lazy("audited", "sent"),
    "submit": pgettext_lazy("audited", "submitted for review"),
    "success": pgettext_lazy("audited", "succeeded"),
    "to_draft": pgettext_lazy("audited", "returned to draft"),
    "totp_enrol": pgettext_lazy("audited", "authenticator app added"),
    "totp_remove": pgettext_lazy("audited", "authenticator app removed"),
    "unpublish": pgettext_lazy("audited", "unpublished"),
    "unschedule": pgettext_lazy("audited", "unscheduled"),
    "update": pgettext_lazy("audited", "changed"),
}


def action_label(code: str) -> str:
    """ "نوشته: منتشر شد" for "publication.publish"; the code itself when it is unknown."""
    entity, _dot, verb = code.partition(".")
    if entity not in ENTITIES or verb not in VERBS:
        return code
    return gettext("%(entity)s: %(verb)s") % {"entity": ENTITIES[entity], "verb": VERBS[verb]}


def is_known(code: str) -> bool:
    entity, _dot, verb = code.partition(".")
    return entity in ENTITIES and verb in VERBS
