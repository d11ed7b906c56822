from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from education import services


class Command(BaseCommand):
    help = (
        "Import Markdown articles (files, or directories of *.md) and publish them. Each file "
        "starts with front matter between '---' lines: slug, title, summary, and optionally "
        "topic, language, audience, translation_of. A last section headed '## References' "
        "becomes the version's references (shown under the article). Safe to run again: "
        "unchanged text writes nothing; changed text becomes a new published version. "
        "Versions are recorded as written, reviewed and published by the inactive "
        f"'{services.IMPORT_USERNAME}' account."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="Markdown files or directories")

    def handle(self, *args, paths, **options):
        try:
            files = services.article_files(paths)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        for path in files:
            try:
                result = services.import_article(
                    text=path.read_text(encoding="utf-8"), source=path.name
                )
            except ValidationError as error:
                raise CommandError(f"{path}: {' '.join(error.messages)}") from error
            verb = "published version" if result.created else "unchanged, version"
            self.stdout.write(f"{path.name}: {result.article.slug} {verb} {result.version.number}")
