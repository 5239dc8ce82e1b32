from __future__ import annotations

from django.contrib import admin

from nashr.subscribers.models import Subscriber, Subscription


class SubscriptionInline(admin.TabularInline):
    model = Subscription
    extra = 0
    fields = ["series", "status", "consented_at", "confirmed_at"]
    readonly_fields = ["consented_at", "confirmed_at"]


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "status", "language", "consented_at", "confirmed_at", "hard_bounces"]
    list_filter = ["status", "language", "subscriptions__series"]
    search_fields = ["email"]
    readonly_fields = ["consented_at", "confirmed_at", "hard_bounces"]
    inlines = [SubscriptionInline]
    show_full_result_count = False
