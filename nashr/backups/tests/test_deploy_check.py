"""`nashr check --deploy` says when the backup keys are missing or unusable."""

from __future__ import annotations

from nashr.backups.tests.sites import Site


def _check(site: Site) -> tuple[int, str]:
    done = site.nashr("check", "--deploy", check=False)
    return done.returncode, done.stdout + done.stderr


def test_deploy_check_names_missing_and_unusable_backup_keys(new_sqlite_site, site_keys):
    """Unset signing keys are warned about; a private key given as the public one, an unset
    or invalid encryption key (the example file's placeholder) are errors."""
    configured = new_sqlite_site()
    status, output = _check(configured)
    # Only the backup checks matter here (the test settings fail others: the From address).
    assert "nashr_backups." not in output, output

    unset = new_sqlite_site()
    unset.settings = {}
    status, output = _check(unset)
    assert "nashr_backups.W001" in output and "NASHR_BACKUP_SIGNING_KEY_FILE" in output
    assert "nashr_backups.W002" in output and "NASHR_BACKUP_VERIFY_KEY" in output
    assert "nashr_backups.E003" in output and "NASHR_BACKUP_RECIPIENT" in output

    placeholder = new_sqlite_site()
    placeholder.settings["NASHR_BACKUP_RECIPIENT"] = "age1replacewiththepublickeyofyourbackupkey"
    status, output = _check(placeholder)
    assert status != 0 and "nashr_backups.E004" in output and "NASHR_BACKUP_RECIPIENT" in output

    swapped = new_sqlite_site()
    swapped.settings["NASHR_BACKUP_VERIFY_KEY"] = site_keys["NASHR_BACKUP_SIGNING_KEY_FILE"]
    status, output = _check(swapped)
    assert status != 0 and "nashr_backups.E002" in output
