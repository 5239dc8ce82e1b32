"""Staff accounts, roles and two-factor devices changed in the admin are recorded.

An administrator removes another's device (recorded on that account), and can neither
add a device nor backup codes to another account, nor change one.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from nashr.audit.models import AuditEntry
from nashr.audit.tests.conftest import entry_text

ADMIN = "/en/admin"
# A TOTP seed an administrator would choose, to log in as someone else later.
CHOSEN_KEY = "3132333435363738393031323334353637383930"


@pytest.fixture
def boss(client, make_staff) -> Any:
    """An administrator, logged in to the admin."""
    user = make_staff("administrator", username="boss")
    client.force_login(user)
    return user


@pytest.fixture
def maryam(make_staff) -> Any:
    """An editor enrolled with an authenticator app and two backup codes."""
    user = make_staff("editor", username="maryam")
    out = io.StringIO()
    call_command("enrol_totp", "maryam", "--backup-codes", "2", "--no-qr", stdout=out)
    return user


def _posted(response: Any) -> None:
    assert response.status_code == 302, response.content.decode()[:2000]


def test_removing_anothers_authenticator_is_recorded_on_their_account(client, boss, maryam) -> None:
    """An administrator deleting an editor's TOTP device records it against the editor."""
    device = TOTPDevice.objects.get(user=maryam)
    _posted(client.post(f"{ADMIN}/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"}))
    assert not TOTPDevice.objects.filter(user=maryam).exists()
    entry = AuditEntry.objects.get(action="staff.totp_remove")
    assert (entry.actor_name, entry.target_type, entry.target_label) == (
        "boss",
        "auth.user",
        "maryam",
    )
    assert entry.changes == {"device": "authenticator", "device_id": device.pk}
    assert device.key not in entry_text(entry)


def test_removing_backup_codes_in_bulk_is_recorded(client, boss, maryam) -> None:
    """The list's bulk delete of backup codes records each set against its account."""
    codes = StaticDevice.objects.get(user=maryam)
    _posted(
        client.post(
            f"{ADMIN}/otp_static/staticdevice/",
            {"action": "delete_selected", "_selected_action": [codes.pk], "post": "yes"},
        )
    )
    assert not StaticDevice.objects.exists()
    entry = AuditEntry.objects.get(action="staff.backup_codes_remove")
    assert (entry.actor_name, entry.target_label, entry.changes["device"]) == (
        "boss",
        "maryam",
        "backup codes",
    )


def test_an_administrator_cannot_give_another_account_an_authenticator(
    client, boss, maryam
) -> None:
    """Adding a TOTP device with a chosen key to another account is refused; none is made."""
    response = client.post(
        f"{ADMIN}/otp_totp/totpdevice/add/",
        {
            "user": maryam.pk,
            "name": "planted",
            "confirmed": "on",
            "key": CHOSEN_KEY,
            "step": 30,
            "t0": 0,
            "digits": 6,
            "tolerance": 1,
            "drift": 0,
            "throttling_failure_count": 0,
        },
    )
    assert response.status_code == 403
    assert not TOTPDevice.objects.filter(key=CHOSEN_KEY).exists()
    assert list(TOTPDevice.objects.filter(user=maryam).values_list("name", flat=True)) == [
        "authenticator"
    ]


def test_an_administrator_cannot_give_another_account_backup_codes(client, boss, maryam) -> None:
    """Adding backup codes of one's choosing to another account is refused; none are made."""
    response = client.post(
        f"{ADMIN}/otp_static/staticdevice/add/",
        {
            "user": maryam.pk,
            "name": "planted",
            "confirmed": "on",
            "token_set-TOTAL_FORMS": 1,
            "token_set-INITIAL_FORMS": 0,
            "token_set-MIN_NUM_FORMS": 0,
            "token_set-MAX_NUM_FORMS": 1000,
            "token_set-0-token": "chosen1",
        },
    )
    assert response.status_code == 403
    assert not StaticDevice.objects.filter(name="planted").exists()


def test_an_administrator_cannot_move_a_device_to_another_account(
    client, boss, maryam, make_staff
) -> None:
    """Changing a device (here its account) is refused: it stays with its holder."""
    device = TOTPDevice.objects.get(user=maryam)
    sara = make_staff("editor", username="sara")
    response = client.post(
        f"{ADMIN}/otp_totp/totpdevice/{device.pk}/change/",
        {
            "user": sara.pk,
            "name": "authenticator",
            "confirmed": "on",
            "step": 30,
            "t0": 0,
            "digits": 6,
            "tolerance": 1,
            "drift": 0,
            "throttling_failure_count": 0,
        },
    )
    assert response.status_code == 403
    device.refresh_from_db()
    assert device.user_id == maryam.pk


def test_a_staff_account_deleted_is_recorded_with_its_devices(client, boss, maryam) -> None:
    """Deleting a staff account records it, and the devices its deletion took."""
    _posted(client.post(f"{ADMIN}/auth/user/{maryam.pk}/delete/", {"post": "yes"}))
    assert not get_user_model().objects.filter(username="maryam").exists()
    entry = AuditEntry.objects.get(action="staff.delete")
    assert (entry.actor_name, entry.target_id, entry.target_label) == (
        "boss",
        str(maryam.pk),
        "maryam",
    )
    taken = entry.changes["deleted_with_it"]
    assert (taken["otp_totp.totpdevice"], taken["otp_static.staticdevice"]) == (1, 1)


def test_a_staff_members_address_changed_is_recorded_without_it(client, boss, maryam) -> None:
    """Changing a staff member's email in the admin records that it changed, not what to."""
    response = client.post(
        f"{ADMIN}/auth/user/{maryam.pk}/change/",
        {
            "username": "maryam",
            "first_name": "Maryam",
            "last_name": "",
            "email": "attacker@example.org",
            "is_active": "on",
            "is_staff": "on",
            "groups": [Group.objects.get(name="editor").pk],
            "user_permissions": [],
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": maryam.date_joined.date().isoformat(),
            "date_joined_1": maryam.date_joined.time().isoformat(timespec="seconds"),
        },
    )
    _posted(response)
    entry = AuditEntry.objects.get(action="staff.update")
    assert entry.changes == {"first_name": ["", "Maryam"], "email": ["[hidden]", "[hidden]"]}
    assert "attacker@example.org" not in entry_text(entry)


def test_a_roles_permissions_changed_are_recorded(client, boss) -> None:
    """Giving the editor role a permission records the role and the permission added."""
    role = Group.objects.get(name="editor")
    kept = list(role.permissions.values_list("pk", flat=True))
    added = Permission.objects.get(codename="delete_series")
    response = client.post(
        f"{ADMIN}/auth/group/{role.pk}/change/",
        {"name": "editor", "permissions": [*kept, added.pk]},
    )
    _posted(response)
    entry = AuditEntry.objects.get(action="role.update")
    # The role by its label, as the admin names it (the same in every language's request).
    assert (entry.actor_name, entry.target_label) == ("boss", "Editor")
    assert entry.changes == {"permissions": {"added": [f"{added} (#{added.pk})"], "removed": []}}


def test_a_role_deleted_is_recorded_with_the_members_it_is_taken_from(client, boss, maryam) -> None:
    """Deleting a role records it and how many staff members lost it."""
    role = Group.objects.create(name="proofreader")
    maryam.groups.add(role)
    _posted(client.post(f"{ADMIN}/auth/group/{role.pk}/delete/", {"post": "yes"}))
    entry = AuditEntry.objects.get(action="role.delete")
    assert (entry.actor_name, entry.target_label) == ("boss", "proofreader")
    assert entry.changes == {"deleted_with_it": {"auth.user_groups": 1}}


def test_ones_own_password_changed_is_recorded_without_it(client, maryam) -> None:
    """A staff member changing their own password records that they did, not the password."""
    client.force_login(maryam)
    new = "another long passphrase 43"
    response = client.post(
        f"{ADMIN}/password_change/",
        {"old_password": "a long passphrase 42", "new_password1": new, "new_password2": new},
    )
    _posted(response)
    entry = AuditEntry.objects.get(action="staff.password_set")
    assert (entry.actor_user_id, entry.target_id) == (maryam.pk, str(maryam.pk))
    assert new not in entry_text(entry) and "passphrase" not in entry_text(entry)
