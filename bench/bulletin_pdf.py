"""Seconds to render the PDF of a 12-item bulletin of full-length statements; prints JSON.

    .venv/bin/python bench/bulletin_pdf.py [--repeat 3]

Uses a throwaway SQLite database, makes twelve statements of about 900 words (Persian
originals, English translations), publishes one English and one Persian issue carrying
all twelve in full, and times `bulletin_pdf` for each: the first render in the process
(fonts not yet loaded) and the median of the following ones, in wall-clock and in CPU
seconds (the latter is what wall time is on an otherwise idle machine).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from nashr.core.actors import COMMAND

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PERSIAN_PARAGRAPHS = [
    "کمیته اجرایی حزب بار دیگر بر آزادی بی‌قید و شرط همه زندانیان سیاسی تأکید می‌کند و "
    "از همه نهادهای حقوق بشری می‌خواهد که صدای خانواده‌های آنان باشند.",
    "در هفته‌های گذشته ده‌ها تن از فعالان کارگری، معلمان و دانشجویان در شهرهای مختلف "
    "بازداشت شده‌اند؛ بسیاری از آنان از حق دسترسی به وکیل محروم‌اند و خانواده‌هایشان از "
    "سرنوشتشان بی‌خبرند.",
    "حکم‌های سنگینی که در دادگاه‌های انقلاب و در جلسه‌هایی چنددقیقه‌ای صادر می‌شود، "
    "هیچ نسبتی با دادرسی عادلانه ندارد و تنها برای ترساندن جامعه است.",
    "ما از همه احزاب، سازمان‌ها و شخصیت‌های آزادی‌خواه دعوت می‌کنیم که در برابر این "
    "سرکوب صدای واحدی داشته باشند و از اعتراض‌های مسالمت‌آمیز مردم پشتیبانی کنند.",
]
ENGLISH_PARAGRAPHS = [
    "The executive committee once again calls for the unconditional release of all "
    "political prisoners and asks every human-rights body to speak for their families.",
    "In recent weeks dozens of labour activists, teachers and students have been arrested "
    "in several cities; many are denied a lawyer, and their families know nothing of their "
    "fate.",
    "The heavy sentences handed down by revolutionary courts in hearings of a few minutes "
    "bear no relation to a fair trial and serve only to frighten society.",
    "We call on all parties, organizations and public figures who stand for freedom to "
    "speak with one voice against this repression and to support the peaceful protests.",
]
ITEMS = 12
REPEATS_PER_BODY = 8  # 4 paragraphs x 8: about 900 words per statement


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="nashr-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    logging.disable(logging.WARNING)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from nashr.bulletins import services
    from nashr.bulletins.rendering import bulletin_pdf
    from nashr.publications import services as publications
    from nashr.publications.models import Kind, Signatory

    kind = Kind.objects.get(slug="statement")
    signatory = Signatory.objects.create(
        slug="committee", names={"fa": "کمیته اجرایی", "en": "Executive Committee"}
    )
    persian_body = "\n\n".join(PERSIAN_PARAGRAPHS * REPEATS_PER_BODY)
    english_body = "\n\n".join(ENGLISH_PARAGRAPHS * REPEATS_PER_BODY)
    for index in range(ITEMS):
        original = publications.publication_create(
            actor=COMMAND,
            kind=kind,
            language="fa",
            title=f"بیانیه شماره {index + 1} درباره آزادی زندانیان سیاسی",
            body=persian_body,
            date=dt.date(2023, 10, 1) + dt.timedelta(days=index * 2),
            signatory=signatory,
            status="published",
        )
        translation = publications.translation_create(
            actor=COMMAND,
            original=original,
            language="en",
            title=f"Statement {index + 1} on the release of political prisoners",
            body=english_body,
        )
        publications.publication_publish(actor=COMMAND, publication=translation)

    start = time.perf_counter()
    import weasyprint  # noqa: F401 - timed apart: a server process imports it once

    results: dict[str, object] = {
        "items": ITEMS,
        "cpus": os.cpu_count(),
        "import_weasyprint_seconds": round(time.perf_counter() - start, 3),
    }
    for language, slug, title, year, month in (
        ("en", "iran-bulletin", "Nashr Bulletin", 2023, 10),
        ("fa", "khabarnameh", "خبرنامه نشر", 1402, 8),
    ):
        series, _ = services.series_create_or_update(
            actor=COMMAND,
            slug=slug,
            title=title,
            language=language,
            label="IRAN:" if language == "en" else "",
        )
        bulletin = services.bulletin_publish(
            actor=COMMAND,
            bulletin=services.bulletin_draft(actor=COMMAND, series=series, year=year, month=month),
        )
        timings, cpu = [], []
        pdf = b""
        for _ in range(args.repeat + 1):
            start, start_cpu = time.perf_counter(), time.process_time()
            pdf = bulletin_pdf(bulletin=bulletin)
            timings.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        path = Path(tmp) / f"{language}.pdf"
        path.write_bytes(pdf)
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
        pages = next(
            (int(line.split()[-1]) for line in info.splitlines() if line.startswith("Pages:")), 0
        )
        results[language] = {
            "first_seconds": round(timings[0], 3),
            "median_seconds": round(statistics.median(timings[1:]), 3),
            "min_seconds": round(min(timings[1:]), 3),
            # CPU time of the render: what wall time is on an otherwise idle machine.
            "median_cpu_seconds": round(statistics.median(cpu[1:]), 3),
            "pages": pages,
            "bytes": len(pdf),
        }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
