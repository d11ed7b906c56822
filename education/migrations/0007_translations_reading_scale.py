"""Each version's reading scale (Flesch-Kincaid grade in English, INFLESZ in Spanish), and the
original's version a translation was made from.

Versions of articles in a language with its own scale are re-scored on it: the score is derived
from the stored text, never typed in, so nothing is lost (the history keeps the earlier figure).
Existing translations are taken to translate the original's live version."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from education import readability


def rescore_and_link(apps, schema_editor):
    ArticleVersion = apps.get_model("education", "ArticleVersion")
    changed = []
    for version in ArticleVersion.objects.select_related("article__translation_of"):
        language = version.article.language
        scale = readability.scale_for(language)
        dirty = False
        if scale != version.reading_scale:
            measured = readability.measure(version.body_html, language)
            version.reading_scale, version.reading_grade = measured.scale, measured.score
            dirty = True
        source = version.article.translation_of
        if source is not None and version.translated_from_id is None:
            version.translated_from_id = source.published_version_id
            dirty = True
        if dirty:
            changed.append(version)
    ArticleVersion.objects.bulk_update(
        changed, ["reading_scale", "reading_grade", "translated_from"], batch_size=500
    )


class Migration(migrations.Migration):
    dependencies = [
        ("education", "0006_version_references"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="articleversion",
            name="reading_scale",
            field=models.CharField(
                choices=[
                    ("fk_grade", "Flesch-Kincaid grade"),
                    ("inflesz", "INFLESZ (Szigriszt-Pazos)"),
                ],
                default="fk_grade",
                editable=False,
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="articleversion",
            name="translated_from",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                help_text="For a translation: the original article's version it was translated from.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="education.articleversion",
            ),
        ),
        migrations.AddField(
            model_name="historicalarticleversion",
            name="reading_scale",
            field=models.CharField(
                choices=[
                    ("fk_grade", "Flesch-Kincaid grade"),
                    ("inflesz", "INFLESZ (Szigriszt-Pazos)"),
                ],
                default="fk_grade",
                editable=False,
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="historicalarticleversion",
            name="translated_from",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                help_text="For a translation: the original article's version it was translated from.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="education.articleversion",
            ),
        ),
        migrations.AlterField(
            model_name="articleversion",
            name="readability_reason",
            field=models.TextField(
                blank=True,
                editable=False,
                help_text="Why this version is published though its reading score misses its language's target (grade 8 or below in English, INFLESZ 55 or above in Spanish).",
                max_length=2000,
            ),
        ),
        migrations.AlterField(
            model_name="articleversion",
            name="reading_grade",
            field=models.DecimalField(
                decimal_places=1,
                default=0,
                editable=False,
                help_text="The score on the version's reading scale: the Flesch-Kincaid grade (English), INFLESZ (Spanish).",
                max_digits=4,
            ),
        ),
        migrations.AlterField(
            model_name="historicalarticleversion",
            name="readability_reason",
            field=models.TextField(
                blank=True,
                editable=False,
                help_text="Why this version is published though its reading score misses its language's target (grade 8 or below in English, INFLESZ 55 or above in Spanish).",
                max_length=2000,
            ),
        ),
        migrations.AlterField(
            model_name="historicalarticleversion",
            name="reading_grade",
            field=models.DecimalField(
                decimal_places=1,
                default=0,
                editable=False,
                help_text="The score on the version's reading scale: the Flesch-Kincaid grade (English), INFLESZ (Spanish).",
                max_digits=4,
            ),
        ),
        migrations.AddConstraint(
            model_name="articleversion",
            constraint=models.CheckConstraint(
                condition=models.Q(("reading_scale__in", ["fk_grade", "inflesz"])),
                name="articleversion_reading_scale_valid",
            ),
        ),
        migrations.RunPython(rescore_and_link, migrations.RunPython.noop),
    ]
