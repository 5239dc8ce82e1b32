"""Demo content: publications of the Sepidar Democratic Front, an organization invented
for this project (any likeness to a real one is not intended).

The texts are Markdown files under ``content/``, loaded through the importer as an
editor would load them. Loading is idempotent: files already imported are skipped, and
the one correction (which outdates a translation) is applied only once.
"""

from __future__ import annotations

from pathlib import Path

from nashr.core.actors import DEMO
from nashr.core.demo import DemoOutput
from nashr.core.languages import codes
from nashr.importers.run import publications_import
from nashr.importers.translation_groups import translation_key
from nashr.publications import services
from nashr.publications.models import Publication, Signatory

CONTENT = Path(__file__).resolve().parent / "content"
# Publications in further languages, loaded only when the site has the language
# (`NASHR_LANGUAGES=fa,en,ckb make demo`): languages/<code>/.
FURTHER_LANGUAGES = Path(__file__).resolve().parent / "languages"

# The signatories' slugs and names, by language code (Sorani and German used only when the
# site has them).
SIGNATORIES = (
    (
        "executive-committee",
        {
            "fa": "کمیته اجرایی جبهه دموکراتیک سپیدار",
            "en": "Executive Committee of the Sepidar Democratic Front",
            "ckb": "کۆمیتەی جێبەجێکاری بەرەی دیموکراتیی سپیدار",
            "de": "Exekutivkomitee der Demokratischen Front Sepidar",
        },
    ),
    (
        "human-rights-office",
        {
            "fa": "دفتر حقوق بشر سپیدار",
            "en": "Sepidar Human Rights Office",
            "ckb": "نووسینگەی مافی مرۆڤی سپیدار",
            "de": "Menschenrechtsbüro Sepidar",
        },
    ),
    (
        "fair-wages-coalition",
        {"fa": "ائتلاف سپیدار برای دستمزد عادلانه", "en": "Sepidar Coalition for Fair Wages"},
    ),
    ("womens-committee", {"fa": "کمیته زنان سپیدار", "en": "Sepidar Women's Committee"}),
)

# Corrections made to originals after they were translated: their translations become
# outdated, as happens in real editorial work. (translation key, language, old, new).
CORRECTIONS = (
    (
        "demo-nurses-strike",
        "fa",
        "پرستاران دست‌کم شش بیمارستان دولتی",
        "پرستاران دست‌کم نه بیمارستان دولتی",
    ),
)


def load(*, stdout: DemoOutput | None = None) -> None:
    """Signatories, publications and corrections; running it again changes nothing."""
    for slug, names in SIGNATORIES:
        if not Signatory.objects.filter(slug=slug).exists():
            # Names in the languages the site has (further ones only when configured).
            names = {code: name for code, name in names.items() if code in codes()}
            services.signatory_create(actor=DEMO, slug=slug, names=names)
    further = [FURTHER_LANGUAGES / code for code in codes()]
    paths = [CONTENT, *(path for path in further if path.is_dir())]
    report = publications_import(actor=DEMO, paths=paths, skip_existing=True)
    corrected = 0
    for key, language, old, new in CORRECTIONS:
        publication = Publication.objects.filter(
            translation_key=translation_key(key), language=language
        ).first()
        if publication is not None and old in publication.body:
            services.publication_update(
                actor=DEMO, publication=publication, body=publication.body.replace(old, new)
            )
            corrected += 1
    if stdout is not None:
        stdout.write(
            f"publications: {len(report.created)} imported, {len(report.skipped)} already "
            f"there, {corrected} corrected\n"
        )
