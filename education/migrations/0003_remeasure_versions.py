"""Recompute every version's reading grade, word count and reading time under the counting rules
of ``education.readability`` (headings, list items, table cells, colons and semicolons no longer
end sentences). They are derived from the stored text, never typed in, so nothing is lost; the
version's history keeps the figures it showed before."""

from django.db import migrations

from education import readability


def remeasure(apps, schema_editor):
    ArticleVersion = apps.get_model("education", "ArticleVersion")
    versions = list(ArticleVersion.objects.select_related("article"))
    for version in versions:
        measured = readability.measure(version.body_html, version.article.language)
        version.word_count = measured.words
        version.reading_grade = measured.grade
        version.reading_minutes = measured.minutes
    ArticleVersion.objects.bulk_update(
        versions, ["word_count", "reading_grade", "reading_minutes"], batch_size=500
    )


class Migration(migrations.Migration):
    dependencies = [("education", "0002_version_discarded")]

    operations = [migrations.RunPython(remeasure, migrations.RunPython.noop)]
