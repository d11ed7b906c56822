"""``python manage.py load_instrument odi FILE``: load the clinic's licensed questionnaire wording.

The portal never ships the ODI's wording (it is licensed); the clinic loads its own copy. The
file format is in cases/instrument_format.md. Loading the same file again changes nothing; a
file with a new version replaces the active wording for its language.
"""

import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cases.instruments import load_instrument
from cases.models import Instrument


class Command(BaseCommand):
    help = "Load a questionnaire's licensed wording (JSON; see cases/instrument_format.md)."

    def add_arguments(self, parser):
        parser.add_argument("instrument", choices=Instrument.Code.values)
        parser.add_argument("file", help="path of the JSON wording file")
        parser.add_argument(
            "--language",
            choices=[code for code, _ in settings.LANGUAGES],
            help="the language of the wording (a file that names another one is refused)",
        )

    def handle(self, *args, instrument, file, language=None, **options):
        try:
            with open(file, encoding="utf-8") as handle:
                data = json.load(handle)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from error
        except json.JSONDecodeError as error:
            raise CommandError(f"{file} is not valid JSON: {error}.") from error
        if language is not None and isinstance(data, dict):
            named = data.setdefault("language", language)
            if named != language:
                raise CommandError(
                    f'{file} says its wording is in "{named}", not "{language}": check the file.'
                )
        try:
            loaded, changed = load_instrument(instrument, data)
        except ValidationError as error:
            raise CommandError(f"{file}: {' '.join(error.messages)}") from error
        if changed:
            self.stdout.write(f"Loaded {loaded} and made it the active wording.")
        else:
            self.stdout.write(f"{loaded} is already loaded and active; nothing changed.")
