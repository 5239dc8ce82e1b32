"""Admin: the moderation queue, the pattern list, blocks and per-publication settings.

Every change goes through the services (each checks the moderator's permission and
records it in the audit trail); the admin never saves a comment itself. A comment's
text is shown in its own direction (dir="auto"), whatever the admin's language.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from nashr.comments import services
from nashr.comments.models import (
    Comment,
    CommentBlock,
    CommentPattern,
    CommentPolicy,
    CommentStatus,
)
from nashr.core.admin import ServiceSavedAdmin, SpellingSearchAdmin, datetime_column
from nashr.core.exceptions import ApplicationError


def _moderate(status: str, done: Any) -> Any:
    def action(modeladmin: CommentAdmin, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        try:
            changed = services.comments_moderate(
                actor=request.user,
                comment_ids=list(queryset.values_list("pk", flat=True)),
                status=status,
            )
        except ApplicationError as exc:
            modeladmin.message_user(request, str(exc), messages.ERROR)
            return
        modeladmin.message_user(request, done % {"count": changed}, messages.SUCCESS)

    return action


class StaffReplyForm(forms.ModelForm[Comment]):
    reply = forms.CharField(
        label=_("Reply as the organization"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
        help_text=_("Shown at once under this comment, marked as the organization's reply."),
    )

    class Meta:
        model = Comment
        fields: list[str] = []


@admin.register(Comment)
class CommentAdmin(SpellingSearchAdmin[Comment]):
    form = StaffReplyForm
    list_display = ["text", "name", "publication", "status", "held_reason", "written"]
    list_filter = ["status", "publication__language"]
    search_fields = ["name", "body"]
    list_select_related = ["publication"]
    ordering = ["-created_at"]
    show_full_result_count = False
    actions = ["approve", "remove", "mark_spam", "block"]
    readonly_fields = [
        "publication",
        "parent",
        "name",
        "text",
        "language",
        "status",
        "held_reason",
        "written",
        "moderated",
        "staff_name",
        "source",
        "legacy_id",
    ]
    fields = [*readonly_fields, "reply"]

    written = datetime_column("created_at", _("written at"))
    moderated = datetime_column("moderated_at", _("moderated at"))

    @admin.display(description=_("written by staff member"))
    def staff_name(self, obj: Comment) -> str:
        # A name, not a link: editors moderate comments but may not open staff accounts.
        user = obj.staff_author
        return "—" if user is None else user.get_username()

    @admin.display(description=_("comment"))
    def text(self, obj: Comment) -> str:
        label = _("reply") if obj.parent_id else ""
        return format_html(
            '<div dir="auto"{}>{}</div>{}',
            format_html(' lang="{}"', obj.language) if obj.language else "",
            obj.body[:400],
            format_html("<small>{}</small>", label) if label else "",
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Comment, form: Any, change: bool) -> None:
        # Nothing of the comment itself is editable: the form only carries a reply.
        if form.cleaned_data.get("reply", "").strip():
            services.comment_reply_staff(
                actor=request.user, parent=obj, body=form.cleaned_data["reply"]
            )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The change page shows the comment; its status changes through the actions.
        return request.user.has_perm("comments.moderate_comment")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    approve = admin.action(description=_("Approve the selected comments"))(
        _moderate(CommentStatus.APPROVED, _("%(count)d comment(s) approved."))
    )
    remove = admin.action(description=_("Remove the selected comments"))(
        _moderate(CommentStatus.REMOVED, _("%(count)d comment(s) removed."))
    )
    mark_spam = admin.action(description=_("Mark the selected comments as spam"))(
        _moderate(CommentStatus.SPAM, _("%(count)d comment(s) marked as spam."))
    )

    @admin.action(description=_("Block the writers of the selected comments"))
    def block(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        blocked = 0
        for comment in queryset:
            try:
                services.commenter_block(actor=request.user, comment=comment)
            except ApplicationError as exc:
                self.message_user(request, str(exc), messages.WARNING)
            else:
                blocked += 1
        self.message_user(
            request, _("%(count)d commenter(s) blocked.") % {"count": blocked}, messages.SUCCESS
        )


@admin.register(CommentPattern)
class CommentPatternAdmin(SpellingSearchAdmin[CommentPattern], ServiceSavedAdmin[CommentPattern]):
    list_display = ["pattern", "is_regex", "action", "created_at"]
    search_fields = ["pattern"]

    def service_save(
        self, request: HttpRequest, obj: CommentPattern, form: Any, change: bool
    ) -> CommentPattern:
        return services.comment_pattern_save(actor=request.user, pattern=obj)


@admin.register(CommentPolicy)
class CommentPolicyAdmin(ServiceSavedAdmin[CommentPolicy]):
    list_display = ["publication", "moderation", "closed", "close_after_days"]
    raw_id_fields = ["publication"]

    def service_save(
        self, request: HttpRequest, obj: CommentPolicy, form: Any, change: bool
    ) -> CommentPolicy:
        return services.comment_policy_set(
            actor=request.user,
            publication=obj.publication,
            moderation=obj.moderation,
            closed=obj.closed,
            close_after_days=obj.close_after_days,
        )


@admin.register(CommentBlock)
class CommentBlockAdmin(admin.ModelAdmin[CommentBlock]):
    list_display = ["note", "created_at", "created_by"]
    fields = ["note", "email_hash", "address_hash", "created_at", "created_by"]
    readonly_fields = ["email_hash", "address_hash", "created_at", "created_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Blocks are made from the queue (the action), which knows the hashes.
        return False
