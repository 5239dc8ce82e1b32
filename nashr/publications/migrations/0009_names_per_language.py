"""Kinds' and signatories' names move from a column per language (name_fa, name_en,
plural_fa, plural_en) into JSON fields of one entry per language code, so that a
language added to NASHR_LANGUAGES needs no migration. The columns go in 0010.

Going back copies the Persian and English names into their columns again (a name
missing in one of them takes the other's, as the columns could not be empty).
"""

from django.db import migrations, models

# The columns of the languages this migration moves, by language code.
COLUMNS = {"fa": ("name_fa", "plural_fa"), "en": ("name_en", "plural_en")}


def _present(row, columns):
    """{code: text} of the columns of `row` that are not empty."""
    values = {code: getattr(row, column) for code, column in columns.items()}
    return {code: text for code, text in values.items() if text}


def names_to_json(apps, schema_editor):
    Kind = apps.get_model("publications", "Kind")
    Signatory = apps.get_model("publications", "Signatory")
    names = {code: name for code, (name, _) in COLUMNS.items()}
    plurals = {code: plural for code, (_, plural) in COLUMNS.items()}
    for kind in Kind.objects.all():
        kind.names = _present(kind, names)
        kind.plurals = _present(kind, plurals)
        kind.save(update_fields=["names", "plurals"])
    for signatory in Signatory.objects.all():
        signatory.names = _present(signatory, names)
        signatory.save(update_fields=["names"])


def _first(names, code):
    """The name in `code`, else in the other language of the columns, else any."""
    others = [names.get(other) for other in COLUMNS if other != code]
    return next((text for text in (names.get(code), *others, *names.values()) if text), "")


def names_to_columns(apps, schema_editor):
    Kind = apps.get_model("publications", "Kind")
    Signatory = apps.get_model("publications", "Signatory")
    for kind in Kind.objects.all():
        for code, (name, plural) in COLUMNS.items():
            setattr(kind, name, _first(kind.names, code)[:100])
            setattr(kind, plural, kind.plurals.get(code, "")[:100])
        kind.save(update_fields=[field for fields in COLUMNS.values() for field in fields])
    for signatory in Signatory.objects.all():
        for code, (name, _) in COLUMNS.items():
            setattr(signatory, name, _first(signatory.names, code)[:200])
        signatory.save(update_fields=[name for name, _ in COLUMNS.values()])


class Migration(migrations.Migration):
    dependencies = [("publications", "0008_language_choices_from_configuration")]

    operations = [
        migrations.AddField(
            model_name="kind",
            name="names",
            field=models.JSONField(default=dict, verbose_name="names"),
        ),
        migrations.AddField(
            model_name="kind",
            name="plurals",
            field=models.JSONField(blank=True, default=dict, verbose_name="plurals"),
        ),
        migrations.AddField(
            model_name="signatory",
            name="names",
            field=models.JSONField(default=dict, verbose_name="names"),
        ),
        migrations.RunPython(names_to_json, names_to_columns),
    ]
