"""Logins, roles and two-factor enrolment are recorded, without passwords or secrets."""

from __future__ import annotations

import io

from django.contrib.auth.models import Group
from django.core.management import call_command

from nashr.audit.models import AuditEntry
from nashr.audit.tests.conftest import ADDRESS, entry_text
from nashr.core.clients import address_hash

PASSWORD = "a long passphrase 42"
WRONG = "correct horse battery staple"


def _login(client, username: str, password: str):
    return client.post(
        "/en/admin/login/", {"username": username, "password": password}, REMOTE_ADDR=ADDRESS
    )


def test_a_failed_login_is_recorded_without_the_password(client, make_staff) -> None:
    """A wrong password records the account tried and the hashed address, not the password."""
    editor = make_staff("editor", username="maryam")
    assert _login(client, "maryam", WRONG).status_code == 200
    entry = AuditEntry.objects.get(action="login.failure")
    assert (entry.actor_user_id, entry.actor_name) == (None, "anonymous")
    assert (entry.target_type, entry.target_id) == ("auth.user", str(editor.pk))
    assert entry.address_hash == address_hash(ADDRESS)
    assert WRONG not in entry_text(entry) and ADDRESS not in entry_text(entry)


def test_a_name_that_is_no_account_is_not_kept(client, db) -> None:
    """A failed login under an unknown name records the failure but not the name typed."""
    _login(client, WRONG, WRONG)
    entry = AuditEntry.objects.get(action="login.failure")
    assert entry.target_type == "" and WRONG not in entry_text(entry)


def test_a_successful_login_is_recorded_as_the_staff_member(client, make_staff) -> None:
    """The right password records a login by that staff member."""
    editor = make_staff("editor", username="maryam")
    assert _login(client, "maryam", PASSWORD).status_code == 302
    entry = AuditEntry.objects.get(action="login.success")
    assert (entry.actor_user_id, entry.actor_name) == (editor.pk, "maryam")
    assert PASSWORD not in entry_text(entry)


def test_roles_changed_in_the_user_admin_are_recorded(client, make_staff) -> None:
    """An administrator making an author an editor and superuser records both changes."""
    author = make_staff("author", username="sara")
    client.force_login(make_staff("administrator", username="boss"))
    response = client.post(
        f"/en/admin/auth/user/{author.pk}/change/",
        {
            "username": "sara",
            "first_name": "",
            "last_name": "",
            "email": "",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "groups": [Group.objects.get(name="editor").pk],
            "user_permissions": [],
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2024-01-01",
            "date_joined_1": "10:00:00",
        },
        REMOTE_ADDR=ADDRESS,
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(author.groups.values_list("name", flat=True)) == ["editor"]
    roles = AuditEntry.objects.get(action="staff.roles_set")
    assert roles.changes == {"roles": [["author"], ["editor"]]}
    assert (roles.actor_name, roles.target_label) == ("boss", "sara")
    assert roles.address_hash == address_hash(ADDRESS)
    flags = AuditEntry.objects.get(action="staff.update")
    assert flags.changes == {"is_superuser": [False, True]}


def test_totp_enrolment_is_recorded_without_its_secret(make_staff) -> None:
    """`nashr enrol_totp` records the device and the number of backup codes, no secret."""
    make_staff("editor", username="maryam")
    out = io.StringIO()
    call_command("enrol_totp", "maryam", "--backup-codes", "2", "--no-qr", stdout=out)
    entry = AuditEntry.objects.get(action="staff.totp_enrol")
    assert entry.changes == {"device": "authenticator", "backup_codes": 2}
    secret_uri = next(line for line in out.getvalue().splitlines() if "otpauth://" in line)
    assert secret_uri not in entry_text(entry) and "secret" not in entry_text(entry)


def test_a_password_set_in_the_admin_is_recorded_without_it(client, make_staff) -> None:
    """An administrator setting a staff member's password records that, not the password."""
    editor = make_staff("editor", username="maryam")
    client.force_login(make_staff("administrator", username="boss"))
    new = "another long passphrase 43"
    response = client.post(
        f"/en/admin/auth/user/{editor.pk}/password/",
        {"password1": new, "password2": new, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(action="staff.password_set")
    assert (entry.actor_name, entry.target_label) == ("boss", "maryam")
    assert new not in entry_text(entry)
