"""Editorial roles: which permissions each group holds.

A role is a group whose permissions are synchronized from this table after every
``migrate`` (see ``services.roles_sync``), so a new installation and an upgraded one
end up with the same roles. Permissions are written ``app_label.codename``;
``app_label.*`` means every permission of that app, ``*`` every permission there is.
Apps that are not installed are skipped, so other apps may add their lines here.

- author: writes drafts and submits them for review; cannot publish, and cannot change
  what is already published.
- translator: creates translations and keeps them up to date with their originals,
  published or not; cannot publish.
- editor: reviews, edits and publishes anything; manages signatories; prepares and
  publishes the bulletin's issues (the series themselves are the administrators'); sends
  issues to subscribers and follows the sending; adds subscribers by hand and corrects them;
  moderates readers' comments.
- administrator: everything, including accounts, roles and two-factor devices, and
  reading the audit trail (``audit.view_auditentry``; no role may write to it).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

AUTHOR = "author"
TRANSLATOR = "translator"
EDITOR = "editor"
ADMINISTRATOR = "administrator"

ROLE_LABELS = {
    AUTHOR: _("Author"),
    TRANSLATOR: _("Translator"),
    EDITOR: _("Editor"),
    ADMINISTRATOR: _("Administrator"),
}

_READ_PUBLICATIONS = (
    "publications.view_publication",
    "publications.view_kind",
    "publications.view_signatory",
)

# Preparing an issue: draft it, edit its editorial and items (removing a proposed item
# deletes it), publish it and its corrected editions. Deleting a draft, and creating or
# changing a series, stay with administrators.
_PREPARE_BULLETINS = (
    "bulletins.view_series",
    "bulletins.view_bulletin",
    "bulletins.add_bulletin",
    "bulletins.change_bulletin",
    "bulletins.publish_bulletin",
    "bulletins.view_bulletinitem",
    "bulletins.add_bulletinitem",
    "bulletins.change_bulletinitem",
    "bulletins.delete_bulletinitem",
)

# Images and attachments: authors and editors upload them and correct their alt text.
_UPLOAD_MEDIA = ("media.view_media", "media.add_media", "media.change_media")

_SEND_TO_SUBSCRIBERS = (
    "delivery.view_sending",
    "delivery.send_bulletin",
    "delivery.view_delivery",
    "subscribers.view_subscriber",
    "subscribers.add_subscriber",
    "subscribers.change_subscriber",
    "subscribers.view_subscription",
)

# Moderating readers' comments: the queue, staff replies, blocks, the pattern list and
# each publication's comment settings.
_MODERATE_COMMENTS = (
    "comments.view_comment",
    "comments.moderate_comment",
    "comments.view_commentblock",
    "comments.view_commentpattern",
    "comments.add_commentpattern",
    "comments.change_commentpattern",
    "comments.delete_commentpattern",
    "comments.view_commentpolicy",
    "comments.add_commentpolicy",
    "comments.change_commentpolicy",
)

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    AUTHOR: (
        *_READ_PUBLICATIONS,
        *_UPLOAD_MEDIA,
        "publications.add_publication",
        "publications.change_publication",
    ),
    TRANSLATOR: (
        *_READ_PUBLICATIONS,
        "publications.translate_publication",
    ),
    EDITOR: (
        *_READ_PUBLICATIONS,
        *_UPLOAD_MEDIA,
        "media.delete_media",
        *_SEND_TO_SUBSCRIBERS,
        "publications.add_publication",
        "publications.change_publication",
        "publications.delete_publication",
        "publications.publish_publication",
        "publications.translate_publication",
        "publications.add_signatory",
        "publications.change_signatory",
        *_PREPARE_BULLETINS,
        *_MODERATE_COMMENTS,
    ),
    ADMINISTRATOR: ("*",),
}


def role_label(name: str) -> str:
    """A group's name in the admin's language: its role's label, else the name as it is."""
    label = ROLE_LABELS.get(name)
    return str(label) if label is not None else name
