"""Admin: link channels, send a test message, start a stopped channel; posts are records."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from nashr.core.admin import ReadOnlyAdminMixin, ServiceSavedAdmin, refusal_text
from nashr.core.calendars import format_datetime
from nashr.core.exceptions import ApplicationError
from nashr.core.languages import current_language
from nashr.telegram.client import BotError, Problem
from nashr.telegram.models import Channel, Post, PostState
from nashr.telegram.services import channel_link, channel_start, channel_test

# What each kind of refusal means for the editor, around Telegram's own words.
PROBLEM_TEXT = {
    Problem.CHANNEL: _(
        "Telegram refused the channel %(channel)s: “%(error)s”. Check the channel's name, "
        "make the bot an administrator of the channel with the right to post messages, "
        "and check the bot's token (NASHR_TELEGRAM_BOT_TOKEN)."
    ),
    Problem.WAIT: _(
        "Telegram asks to wait before the next message to %(channel)s: “%(error)s”. "
        "Try again in a minute."
    ),
    Problem.TEMPORARY: _(
        "Telegram could not be reached for %(channel)s: “%(error)s”. Try again later; "
        "check NASHR_TELEGRAM_API_URL if it goes on."
    ),
    Problem.MESSAGE: _("Telegram refused the test message to %(channel)s: “%(error)s”."),
    Problem.GONE: _("Telegram refused the test message to %(channel)s: “%(error)s”."),
}


class ChannelForm(forms.ModelForm[Channel]):
    class Meta:
        model = Channel
        fields = ["language", "series", "chat", "post_mode", "link_base"]


@admin.register(Channel)
class ChannelAdmin(ServiceSavedAdmin[Channel]):
    form = ChannelForm
    list_display = ("chat", "linked_to", "post_mode", "link_base", "state", "waiting")
    actions = ("send_test_message", "start_again")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Channel]:
        waiting = Q(posts__state__in=[PostState.QUEUED, PostState.SENDING])
        return (
            super()
            .get_queryset(request)
            .select_related("series")
            .annotate(n_waiting=Count("posts", filter=waiting))
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        shown = ["stopped", "last_error"]
        return (["language", "series", *shown]) if obj is not None else shown

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = ["language", "series", "chat", "post_mode", "link_base"]
        return [*fields, "stopped", "last_error"] if obj is not None else fields

    @admin.display(description=_("linked to"))
    def linked_to(self, channel: Channel) -> str:
        return str(channel.series) if channel.series else channel.get_language_display()

    @admin.display(description=_("state"))
    def state(self, channel: Channel) -> str:
        if channel.stopped:
            return gettext("stopped: %(error)s") % {"error": channel.last_error}
        return gettext("active")

    @admin.display(description=_("posts waiting"))
    def waiting(self, channel: Channel) -> int:
        return int(getattr(channel, "n_waiting", 0))

    def service_save(self, request: HttpRequest, obj: Channel, form: Any, change: bool) -> Channel:
        target = obj.series.slug if obj.series_id and obj.series else obj.language
        return channel_link(
            actor=request.user,
            target=target,
            chat=obj.chat,
            post_mode=obj.post_mode,
            link_base=obj.link_base,
        )

    @admin.action(description=_("Send a test message"))
    def send_test_message(self, request: HttpRequest, queryset: QuerySet[Channel]) -> None:
        text = gettext("A test message from Nashr: this channel receives the site's publications.")
        for channel in queryset:
            try:
                title = channel_test(actor=request.user, channel=channel, text=text)
            except BotError as error:
                explained = PROBLEM_TEXT[error.problem] % {
                    "channel": channel.chat,
                    "error": error.description,
                }
                self.message_user(request, explained, messages.ERROR)
            except ApplicationError as refusal:
                self.message_user(request, refusal_text(refusal), messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext("The test message was posted in %(channel)s (“%(title)s”).")
                    % {"channel": channel.chat, "title": title},
                    messages.SUCCESS,
                )

    @admin.action(description=_("Start sending again"))
    def start_again(self, request: HttpRequest, queryset: QuerySet[Channel]) -> None:
        for channel in queryset:
            try:
                channel_start(actor=request.user, channel=channel)
            except ApplicationError as refusal:
                self.message_user(request, refusal_text(refusal), messages.ERROR)
                return
        self.message_user(
            request, gettext("The channels send their queues again."), messages.SUCCESS
        )


@admin.register(Post)
class PostAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Post]):
    list_display = (
        "id",
        "channel",
        "subject",
        "action",
        "state",
        "attempts",
        "when",
        "last_error",
    )
    list_filter = ("state", "action", "channel")
    list_select_related = ("channel",)

    @admin.display(description=_("subject"))
    def subject(self, post: Post) -> str:
        if post.publication_id is not None:
            return gettext("publication %(id)s") % {"id": post.publication_id}
        return gettext("bulletin issue %(id)s") % {"id": post.bulletin_id}

    @admin.display(description=_("time"))
    def when(self, post: Post) -> str:
        return format_datetime(post.sent_at or post.created_at, current_language())
