"""The admin: blocking a server goes through its service; the rest is read only."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client

from nashr.audit.models import AuditEntry
from nashr.federation.models import DomainBlock


def test_blocking_a_server_in_the_admin(federation: Any, client: Client) -> None:
    """A block typed as a URL in capitals is stored as its host, audited; the lists open,
    and no page shows the actors' keys."""
    admin = get_user_model().objects.create_superuser("root", password="a long phrase 42")
    client.force_login(admin)
    answer = client.post(
        "/fa/admin/federation/domainblock/add/", {"domain": "https://Spam.Example/", "note": "x"}
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert DomainBlock.objects.get().domain == "spam.example"
    assert AuditEntry.objects.filter(action="federation.block").count() == 1
    refused = client.post("/fa/admin/federation/domainblock/add/", {"domain": "not a host"})
    assert refused.status_code == 200 and DomainBlock.objects.count() == 1
    for model in ("follower", "inboxdelivery", "reaction", "domainblock"):
        assert client.get(f"/fa/admin/federation/{model}/").status_code == 200
    assert client.get("/fa/admin/federation/actorkey/").status_code == 404
