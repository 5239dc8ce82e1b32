"""Editorial roles are groups whose permissions follow accounts.roles, after every migrate."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from nashr.accounts import roles, services


def _codes(group: Group) -> set[str]:
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }


def test_migrate_created_the_four_roles(db) -> None:
    """The test database, built by migrate, already has the four role groups."""
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ROLE_PERMISSIONS)


def test_role_permissions(db) -> None:
    """Authors cannot publish, translators translate, editors publish, administrators do all."""
    groups = {g.name: g for g in Group.objects.all()}
    author, translator, editor = (
        _codes(groups[name]) for name in (roles.AUTHOR, roles.TRANSLATOR, roles.EDITOR)
    )
    assert "publications.add_publication" in author
    assert "publications.publish_publication" not in author
    assert "publications.translate_publication" in translator
    assert "publications.change_publication" not in translator
    assert "publications.publish_publication" in editor
    assert groups[roles.ADMINISTRATOR].permissions.count() == Permission.objects.count()


def test_sync_is_idempotent_and_repairs(db) -> None:
    """Running the sync again changes nothing; a permission removed by hand comes back."""
    before = {g.name: _codes(g) for g in Group.objects.filter(name__in=roles.ROLE_PERMISSIONS)}
    author = Group.objects.get(name=roles.AUTHOR)
    author.permissions.clear()
    services.roles_sync()
    services.roles_sync()
    after = {g.name: _codes(g) for g in Group.objects.filter(name__in=roles.ROLE_PERMISSIONS)}
    assert after == before
    assert Group.objects.filter(name=roles.AUTHOR).count() == 1
