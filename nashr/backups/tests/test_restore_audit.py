"""A restore is recorded in the restored site's audit trail: which archive, made when, by whom."""

from __future__ import annotations

import json

from nashr.backups.tests.sites import archive_contents

TRAIL = (
    "import json\n"
    "from nashr.audit.models import AuditEntry\n"
    "print(json.dumps([[e.actor_name, e.target_label, e.changes]\n"
    "    for e in AuditEntry.objects.filter(action='site.restore')]))\n"
)


def test_restore_is_in_the_audit_trail(source_archive, new_sqlite_site):
    """The entry names the archive's file, its creation date and the signing key's fingerprint."""
    site = new_sqlite_site()
    done = site.nashr("restore", str(source_archive))
    ((actor, label, changes),) = json.loads(site.python(TRAIL))
    assert actor == "system:command"
    assert label == source_archive.name and changes["file"] == source_archive.name
    made = archive_contents(source_archive)["manifest"]["created_at"]
    assert changes["created_at"] == made
    assert changes["signed_by"].startswith("SHA256:")
    assert changes["signed_by"] in done.stdout
    assert changes["unverified"] == ""
    assert changes["rows"] > 1000


def test_restore_without_signature_check_says_so_in_the_trail(source_archive, new_sqlite_site):
    """An archive restored with --accept-unsigned is recorded with why it was not checked."""
    site = new_sqlite_site()
    del site.settings["NASHR_BACKUP_VERIFY_KEY"]
    site.nashr("restore", str(source_archive), "--accept-unsigned")
    ((_actor, _label, changes),) = json.loads(site.python(TRAIL))
    assert changes["signed_by"] == ""
    assert "NASHR_BACKUP_VERIFY_KEY" in changes["unverified"]
