from django.db import migrations

KINDS = [
    ("statement", "بیانیه", "Statement", "بیانیه‌ها", "Statements", 1),
    ("article", "مقاله", "Article", "مقاله‌ها", "Articles", 2),
    ("news", "خبر", "News", "خبرها", "News", 3),
    ("report", "گزارش", "Report", "گزارش‌ها", "Reports", 4),
]


def create_kinds(apps, schema_editor):
    Kind = apps.get_model("publications", "Kind")
    for slug, name_fa, name_en, plural_fa, plural_en, order in KINDS:
        Kind.objects.get_or_create(
            slug=slug,
            defaults={
                "name_fa": name_fa,
                "name_en": name_en,
                "plural_fa": plural_fa,
                "plural_en": plural_en,
                "order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("publications", "0001_initial")]
    operations = [migrations.RunPython(create_kinds, migrations.RunPython.noop)]
