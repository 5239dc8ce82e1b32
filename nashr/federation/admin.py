"""Admin: blocked servers (saved through the services), followers and deliveries to read."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from nashr.core.admin import ServiceSavedAdmin, SpellingSearchAdmin
from nashr.federation import services
from nashr.federation.models import DomainBlock, Follower, InboxDelivery, Reaction


@admin.register(DomainBlock)
class DomainBlockAdmin(SpellingSearchAdmin[DomainBlock], ServiceSavedAdmin[DomainBlock]):
    list_display = ["domain", "note", "created_at"]
    search_fields = ["domain", "note"]

    def service_save(
        self, request: HttpRequest, obj: DomainBlock, form: forms.ModelForm[Any], change: bool
    ) -> DomainBlock:
        return services.domain_block_save(actor=request.user, block=obj)

    def delete_model(self, request: HttpRequest, obj: DomainBlock) -> None:
        services.domain_block_delete(actor=request.user, block=obj)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # Bulk deletion would bypass the service (and its audit entry).
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Follower)
class FollowerAdmin(SpellingSearchAdmin[Follower], ReadOnlyAdmin):
    list_display = ["handle", "language", "host", "created_at"]
    list_filter = ["language"]
    search_fields = ["handle", "host"]


@admin.register(InboxDelivery)
class InboxDeliveryAdmin(SpellingSearchAdmin[InboxDelivery], ReadOnlyAdmin):
    list_display = ["activity", "inbox", "state", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["state"]
    search_fields = ["inbox"]
    list_select_related = ["activity"]


@admin.register(Reaction)
class ReactionAdmin(ReadOnlyAdmin):
    """Likes and boosts, by publication: counted, nothing more."""

    list_display = ["publication_id", "kind", "created_at"]
    list_filter = ["kind"]
