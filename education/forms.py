from django import forms
from django.utils.translation import gettext_lazy as _

from clinic.models import Patient
from education import figures
from education.models import Article, ArticleVersion


class ArticleForm(forms.ModelForm):
    """An article's identity: how it is found and who may read it."""

    class Meta:
        model = Article
        fields = ["slug", "language", "topic", "audience", "translation_of"]
        help_texts = {"slug": _("The web address of the article, e.g. miss-spinal-herniations.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields and not self.instance.pk:
            # A new article's slug may be left to the title (education.services.create_article);
            # static/js/article-form.js fills it in as the title is typed.
            self.fields["slug"].required = False
            self.fields["slug"].help_text = _(
                "The web address of the article, made from the title unless you change it."
            )
            self.fields["slug"].widget.attrs["data-slug-from"] = "id_version-title"
        if "translation_of" not in self.fields:
            return  # the admin's read-only view of an article
        originals = Article.objects.filter(translation_of__isnull=True)
        if self.instance.pk:
            originals = originals.exclude(pk=self.instance.pk)
        self.fields["translation_of"].queryset = originals


class VersionForm(forms.ModelForm):
    """The words of a version. Reading grade and time are computed from them, never typed."""

    class Meta:
        model = ArticleVersion
        fields = ["title", "summary", "body_markdown", "references_markdown"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "body_markdown": forms.Textarea(attrs={"rows": 22, "class": "font-monospace"}),
            "references_markdown": forms.Textarea(attrs={"rows": 6, "class": "font-monospace"}),
        }
        help_texts = {
            "body_markdown": _(
                "Markdown: ## headings, **bold**, *italic*, - lists, [links](https://…), tables. "
                "Other HTML is removed. A live clinic figure: [[figure:key]] on a line of its "
                'own. When to get help at once, as a red callout: a line !!! urgent "Get help '
                'now" and the advice under it, indented by four spaces.'
            )
        }

    def clean_body_markdown(self):
        text = self.cleaned_data["body_markdown"]
        errors = []
        unknown = figures.unknown_keys(text)
        if unknown:
            errors.append(
                _("Unknown clinic figure: %(unknown)s. Available figures: %(known)s.")
                % {
                    "unknown": ", ".join(f"[[figure:{key}]]" for key in unknown),
                    "known": ", ".join(figures.available()) or _("none"),
                }
            )
        inline = figures.inline_keys(text)
        if inline:
            errors.append(
                _(
                    "Put each clinic figure on a line of its own, with a blank line before and "
                    "after: %(figures)s."
                )
                % {"figures": ", ".join(f"[[figure:{key}]]" for key in inline)}
            )
        if errors:
            raise forms.ValidationError(errors)
        return text

    def clean_references_markdown(self):
        text = self.cleaned_data["references_markdown"]
        if figures.TOKEN.search(text):
            raise forms.ValidationError(
                _("Clinic figures belong in the text, not in the references: remove [[figure:…]].")
            )
        return text


class ReviewNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the editor"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=ArticleVersion._meta.get_field("review_note").max_length,
    )


class PublishForm(forms.Form):
    reason = forms.CharField(
        label=_("Why publish above the recommended reading grade?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=ArticleVersion._meta.get_field("readability_reason").max_length,
    )


class VersionActionForm(ReviewNoteForm, PublishForm):
    """The text a workflow step may carry (``views.version_action``): the reviewer's note, the
    reason for publishing above the reading grade."""

    def error_message(self):
        return " ".join(
            f"{self[name].label}: {' '.join(errors)}" for name, errors in self.errors.items()
        )


class CompareForm(forms.Form):
    """The diff page's ``?against=``: another version of the same article (else the previous)."""

    against = forms.ModelChoiceField(
        queryset=ArticleVersion.objects.none(), required=False, label=_("Compare with")
    )

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["against"].queryset = versions


class AssignForm(forms.Form):
    article = forms.ModelChoiceField(queryset=Article.objects.none(), label=_("Article"))
    note = forms.CharField(
        label=_("Personal note (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text=_(
            "The patient sees it with the article. The email they get does not include it."
        ),
    )

    def __init__(self, *args, patient: Patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["article"].queryset = Article.objects.published().order_by(
            "published_version__title"
        )
        self.fields["article"].label_from_instance = lambda a: (
            f"{a.published_version.title} ({a.get_language_display()})"
        )
        same_language = self.fields["article"].queryset.filter(language=patient.preferred_language)
        if not self.is_bound and same_language.count() == 1:
            self.initial["article"] = same_language.get().pk


class QuestionForm(forms.Form):
    question = forms.CharField(
        label=_("Your question"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
