"""Public pages send a strict Content-Security-Policy, set no cookie and track no one."""

from __future__ import annotations

import pytest
from django.test import Client

from nashr.testing.pages import PUBLIC_PAGES, SiteContent


def _directives(header: str) -> dict[str, str]:
    return {
        part.split()[0]: " ".join(part.split()[1:])
        for part in (p.strip() for p in header.split(";"))
        if part
    }


def test_public_pages_send_strict_headers_and_no_cookie(
    client: Client, site_content: SiteContent
) -> None:
    """Public pages forbid inline scripts, other hosts, framing, outside referrers; no cookie."""
    for page in PUBLIC_PAGES:
        response = client.get(page.path(site_content))
        assert response.status_code == page.status, page.name
        csp = _directives(response["Content-Security-Policy"])
        assert csp["default-src"] == "'none'", page.name
        # Scripts from this site only (the comment form's proof of work), never inline.
        for directive in ("script-src", "connect-src", "style-src", "img-src", "font-src"):
            assert csp[directive] == "'self'", (page.name, directive)
        assert csp["frame-ancestors"] == "'none'"
        assert csp["base-uri"] == "'none'"
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        # Other hosts learn nothing; "no-referrer" would make Chromium post `Origin: null`,
        # which Django's CSRF check refuses (the admin login and any form would fail).
        assert response["Referrer-Policy"] == "same-origin"
        assert "camera=()" in response["Permissions-Policy"]
        assert not response.cookies, (page.name, list(response.cookies))


@pytest.mark.parametrize("path", ["/fa/admin/login/", "/en/admin/login/"])
def test_admin_has_its_own_policy(client: Client, db: None, path: str) -> None:
    """The admin may run its own scripts, still from this host only."""
    csp = _directives(client.get(path)["Content-Security-Policy"])
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'"
