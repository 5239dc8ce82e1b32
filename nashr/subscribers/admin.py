"""Admin: subscribers and their lists, added and corrected through the services.

An address added by hand records the staff member who added it as the basis of its
consent; see `subscriber_add` for when its lists are confirmed. A subscriber's lists are
shown, not edited: a reader joins and leaves lists through the mailed links (one-click
unsubscribe, the data page), so their consent stays their own.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from nashr.core.admin import (
    NamedRelatedFilter,
    ServiceSavedAdmin,
    SpellingSearchAdmin,
    datetime_column,
)
from nashr.subscribers import services
from nashr.subscribers.forms import SubscriberAddForm
from nashr.subscribers.models import Subscriber, Subscription


class SubscriptionInline(admin.TabularInline[Subscription, Subscriber]):
    model = Subscription
    extra = 0
    fields = readonly_fields = ("series", "status", "consented", "confirmed")
    can_delete = False
    consented = datetime_column("consented_at", _("consent given at"))
    confirmed = datetime_column("confirmed_at", _("confirmed at"))

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Subscriber)
class SubscriberAdmin(SpellingSearchAdmin[Subscriber], ServiceSavedAdmin[Subscriber]):
    list_display = ["email", "status", "language", "consented", "confirmed", "hard_bounces"]
    list_filter = ["status", "language", ("subscriptions__series", NamedRelatedFilter)]
    # The address, the staff member who added it (consent_basis), the name of its lists.
    search_fields = ["email", "consent_basis", "subscriptions__series__title"]
    fields = ("email", "language", "status", "consent_basis", "consented", "confirmed",
              "hard_bounces")  # fmt: skip
    readonly_fields = ["consent_basis", "consented", "confirmed", "hard_bounces"]
    consented = datetime_column("consented_at", _("consent given at"))
    confirmed = datetime_column("confirmed_at", _("confirmed at"))
    inlines = [SubscriptionInline]
    show_full_result_count = False
    add_fieldsets = [(None, {"fields": ["email", "language", "lists", "requested"]})]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.add_fieldsets if obj is None else super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return () if obj is None else self.readonly_fields

    def get_inlines(self, request: HttpRequest, obj: Any) -> list[type[InlineModelAdmin[Any, Any]]]:
        return [] if obj is None else list(self.inlines)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = SubscriberAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def service_save(
        self, request: HttpRequest, obj: Subscriber, form: Any, change: bool
    ) -> Subscriber:
        if not change:
            data = form.cleaned_data
            return services.subscriber_add(
                actor=request.user,
                email=data["email"],
                language=data["language"],
                series=list(data["lists"]),
                requested=data["requested"],
            )
        return services.subscriber_update(
            actor=request.user,
            subscriber=obj,
            email=obj.email,
            language=obj.language,
            status=obj.status,
        )

    def delete_model(self, request: HttpRequest, obj: Subscriber) -> None:
        services.subscriber_delete(actor=request.user, subscriber=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Subscriber]) -> None:
        with transaction.atomic():
            for subscriber in queryset:
                services.subscriber_delete(actor=request.user, subscriber=subscriber)
