"""Import publications from files: Markdown with front matter, HTML, plain text.

What a file may say (Markdown front matter; HTML ``<meta name="FIELD" content="…">`` and
``<html lang>``; plain text may open with front matter too)::

    title, language, kind, date, calendar (gregorian | jalali), signatory, summary,
    translation_key, original (true), source_url, legacy_path, status, slug

Rules, decided here once:

- **Reading**: UTF-8 first (strictly, a BOM allowed), then Windows-1256, the encoding of
  older Persian files; UTF-16 only with its byte-order mark (Notepad's "Unicode"). A
  file with NUL bytes or many control characters is binary and refused.
- **Title**: the ``title`` field; else a Markdown file's first ``# heading``, an HTML
  file's ``<title>`` or first ``<h1>``, a text file's first non-empty line.
- **Language**: ``fa`` or ``en`` (``fa-IR`` is ``fa``); when a file does not say, the
  script of its text decides (more Arabic-script letters than Latin ones is Persian).
- **Date**: ``YYYY-MM-DD`` (``/`` or ``.`` between, Persian digits allowed), Gregorian
  unless ``calendar: jalali``. A year the calendar cannot plausibly have is refused
  (``nashr.core.calendars.parse_date``); one of the other calendar as a calendar mix-up.
- **Kind**: an existing kind, by slug or name; an unknown kind is an error (kinds are
  an administrator's decision). **Signatory**: by slug or name in either language; an
  unknown one is an error unless ``create_signatories`` (``--create-signatories``) is
  given, which creates it with the name as written (its slug from the name).
- **Status**: ``published`` unless told; a published import is dated at noon (local
  time) of the date it bears, not at the time of the import.
- **Translations**: files sharing a ``translation_key`` (any text; a UUID is used as it
  is) are versions of one publication. The original is the one marked ``original:
  true``, else the version already in the database, else the Persian version, else the
  earliest. The others become its translations, made from its current revision.
- **Again**: a version (key and language) or legacy path already in the database is an
  error, unless ``skip_existing``, which skips those files; a re-run of the same import
  then changes nothing.
- **All or nothing**: every file is read and checked, every problem reported with file,
  line and field; if there is any, nothing is saved. A dry run does everything inside a
  transaction that is then rolled back.

The work is done in steps, one module each: ``files`` (finding and reading files),
``formats`` (a file's raw fields), ``checks`` (each field checked), ``versions``
(linking translations), ``saving`` (the transaction) and ``run`` (one import).
"""

from nashr.publications.importer.checks import Lookup, check_file, detect_language
from nashr.publications.importer.entries import Defaults, Entry
from nashr.publications.importer.files import collect_files
from nashr.publications.importer.problems import Problem
from nashr.publications.importer.run import ImportReport, publications_import
from nashr.publications.importer.versions import translation_key

__all__ = [
    "Defaults",
    "Entry",
    "ImportReport",
    "Lookup",
    "Problem",
    "check_file",
    "collect_files",
    "detect_language",
    "publications_import",
    "translation_key",
]
