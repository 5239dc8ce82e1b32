"""Admin: the moderation queue, the pattern list, blocks and per-publication settings.

Every change goes through the services (each checks the moderator's permission and
records it in the audit trail); the admin never saves a comment itself. A comment's
text is shown in its own direction (dir="auto"), whatever the admin's language.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from nashr.comments import services
from nashr.comments.models import (
    Comment,
    CommentBlock,
    CommentPattern,
    CommentPolicy,
    CommentStatus,
)
from nashr.core.admin import ServiceSavedAdmin, SpellingSearchAdmin, datetime_column, named_column
from nashr.core.exceptions import ApplicationError
from nashr.core.languages import language_name

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise

# The buttons of a comment's page: the status each sets, its label, what it says when done.
MODERATION_BUTTONS: dict[str, tuple[StrPromise, StrPromise]] = {
    CommentStatus.APPROVED: (_("Approve"), _("The comment is approved and shown.")),
    CommentStatus.REMOVED: (_("Remove"), _("The comment is removed.")),
    CommentStatus.SPAM: (_("Mark as spam"), _("The comment is marked as spam.")),
}


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
    change_form_template = "admin/comments/comment/change_form.html"
    list_display = ["text", "name", "publication_named", "status", "held_reason_display",
                    "written"]  # fmt: skip
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
        "language_display",
        "status",
        "held_reason_display",
        "written",
        "moderated",
        "staff_name",
        "source",
        "legacy_id",
    ]
    fields = [*readonly_fields, "reply"]

    written = datetime_column("created_at", _("written at"))
    moderated = datetime_column("moderated_at", _("moderated at"))
    publication_named = named_column("publication", _("publication"), "publication__title")

    @admin.display(description=_("language"))
    def language_display(self, obj: Comment) -> str:
        return language_name(obj.language) if obj.language else "—"

    @admin.display(description=_("why held"))
    def held_reason_display(self, obj: Comment) -> str:
        return services.held_reason_text(obj.held_reason) or "—"

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

    def get_urls(self) -> list[URLPattern]:
        moderate = self.admin_site.admin_view(require_POST(self.moderate_view))
        own = [path("<int:object_id>/moderate/", moderate, name="comments_comment_moderate")]
        return own + super().get_urls()

    def moderate_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """A button of the comment's page: approve, remove or mark as spam, then back."""
        comment = get_object_or_404(Comment, pk=object_id)
        status = request.POST.get("status", "")
        try:
            services.comments_moderate(actor=request.user, comment_ids=[comment.pk], status=status)
        except ApplicationError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(request, MODERATION_BUTTONS[status][1], messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:comments_comment_change", args=[comment.pk]))

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        comment = self.get_object(request, object_id)
        buttons = [
            {"status": status, "label": label}
            for status, (label, _done) in MODERATION_BUTTONS.items()
            if comment is not None
            and comment.status != status
            and self.has_change_permission(request, comment)
        ]
        context = {**(extra_context or {}), "moderation_buttons": buttons}
        return super().change_view(request, object_id, form_url, context)

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
    list_display = ["publication_named", "moderation", "closed", "hidden", "close_after_days"]
    list_select_related = ["publication"]
    raw_id_fields = ["publication"]
    publication_named = named_column("publication", _("publication"), "publication__title")

    def service_save(
        self, request: HttpRequest, obj: CommentPolicy, form: Any, change: bool
    ) -> CommentPolicy:
        return services.comment_policy_set(
            actor=request.user,
            publication=obj.publication,
            moderation=obj.moderation,
            closed=obj.closed,
            hidden=obj.hidden,
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
