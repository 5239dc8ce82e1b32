"""The Maildir reader shared by bounces and the list address."""

from __future__ import annotations

from pathlib import Path

import pytest

from nashr.core.exceptions import ImportFailed
from nashr.core.maildir import maildir_check, maildir_claim, maildir_entries


def test_a_message_is_claimed_by_one_reader_only(tmp_path: Path) -> None:
    """Of two readers claiming one new message, one gets it (in cur/, seen); new/ is empty."""
    for folder in ("new", "cur", "tmp"):
        (tmp_path / folder).mkdir()
    (tmp_path / "new" / "1700000000.1.host").write_bytes(b"Subject: hi\r\n\r\n")
    ((_where, entry),) = maildir_entries(tmp_path, folders=("new",))
    first, second = maildir_claim(entry), maildir_claim(entry)
    assert first == tmp_path / "cur" / "1700000000.1.host:2,S" and first.is_file()
    assert second is None
    assert list(maildir_entries(tmp_path, folders=("new",))) == []


def test_not_a_maildir_is_refused_with_a_hint(tmp_path: Path) -> None:
    """A folder without cur/ and new/ is named, with what to give instead."""
    with pytest.raises(ImportFailed, match="not a Maildir") as found:
        maildir_check(tmp_path)
    assert str(tmp_path) in str(found.value) and "standard input" in str(found.value)
