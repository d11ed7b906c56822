"""The wording of licensed instruments (the ODI): checked and loaded from the clinic's file.

The format is ``cases/instrument_format.md``; the portal never ships the licensed wording.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases import odi
from cases.models import Instrument


def validate_instrument(code, data):
    """Check a wording file's content (see cases/instrument_format.md); returns its fields."""
    if code != Instrument.Code.ODI:
        raise ValidationError(
            _("Unknown instrument %(code)r: only 'odi' can be loaded.") % {"code": code}
        )
    if not isinstance(data, dict):
        raise ValidationError(_("The file must hold one JSON object."))
    if data.get("instrument") != code:
        raise ValidationError(_('The file\'s "instrument" must be "%(code)s".') % {"code": code})
    for key in ("version", "language", "title"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise ValidationError(_('The file needs a "%(key)s" text.') % {"key": key})
    if data["language"] not in dict(settings.LANGUAGES):
        languages = ", ".join(dict(settings.LANGUAGES))
        raise ValidationError(
            _('"language" must be one of %(languages)s.') % {"languages": languages}
        )
    sections = data.get("sections")
    if not isinstance(sections, list):
        raise ValidationError(_('The file needs a "sections" list.'))
    codes = [s.get("code") if isinstance(s, dict) else None for s in sections]
    if codes != list(odi.SECTIONS):
        raise ValidationError(
            _("The sections must be exactly %(expected)s, in that order (found %(found)s).")
            % {
                "expected": ", ".join(odi.SECTIONS),
                "found": ", ".join(map(str, codes)) or _("none"),
            }
        )
    for section in sections:
        options = section.get("options")
        if not isinstance(section.get("title"), str) or not section["title"].strip():
            raise ValidationError(
                _("Section %(section)s needs a title.") % {"section": section["code"]}
            )
        if (
            not isinstance(options, list)
            or len(options) != odi.MAX_ITEM_SCORE + 1
            or not all(isinstance(o, str) and o.strip() for o in options)
        ):
            raise ValidationError(
                _(
                    "Section %(section)s needs exactly %(count)s option texts (scored 0 to 5, "
                    "in order)."
                )
                % {"section": section["code"], "count": odi.MAX_ITEM_SCORE + 1}
            )
    return {
        "code": code,
        "version": data["version"].strip(),
        "language": data["language"],
        "title": data["title"].strip(),
        "instructions": str(data.get("instructions", "")).strip(),
        "sections": [
            {"code": s["code"], "title": s["title"].strip(), "options": s["options"]}
            for s in sections
        ],
    }


@transaction.atomic
def load_instrument(code, data) -> tuple[Instrument, bool]:
    """Load a wording; the new version becomes the active one. Returns (instrument, changed).

    Loading the same version again changes nothing; a different wording under a version
    already loaded is refused (give the file a new version).
    """
    fields = validate_instrument(code, data)
    existing = Instrument.objects.filter(
        code=code, version=fields["version"], language=fields["language"]
    ).first()
    if existing is not None:
        same = all(getattr(existing, key) == value for key, value in fields.items())
        if not same:
            raise ValidationError(
                _(
                    "Version %(version)s (%(language)s) is already loaded with different "
                    "wording; give the file a new version."
                )
                % {"version": fields["version"], "language": fields["language"]}
            )
        if existing.is_active:
            return existing, False
    for previous in Instrument.objects.active().filter(code=code, language=fields["language"]):
        previous.is_active = False
        previous.save(update_fields=["is_active"])
    if existing is not None:
        existing.is_active = True
        existing.save(update_fields=["is_active"])
        return existing, True
    instrument = Instrument(**fields, is_active=True)
    instrument.full_clean()
    instrument.save()
    return instrument, True
