from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from clinic.admin import PortalHistoryAdmin
from education.forms import ArticleForm, VersionForm
from education.models import Article, ArticleVersion, Assignment


class VersionInline(admin.TabularInline):
    model = ArticleVersion
    fields = ["number", "title", "status", "reading_grade", "author", "created_at"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # new versions go through the editor's page and the review workflow


@admin.register(Article)
class ArticleAdmin(PortalHistoryAdmin):
    """The portal's article form; what publishing sets (the live version, the next clinical
    review's date) and retiring sets are read-only."""

    form = ArticleForm
    list_display = [
        "slug",
        "language",
        "topic",
        "audience",
        "published_version",
        "next_review_due",
        "source_updated",
    ]
    list_filter = ["topic", "language", "audience"]
    search_fields = ["slug", "versions__title"]
    list_select_related = ["published_version", "translation_of__published_version"]
    readonly_fields = [
        "published_version",
        "next_review_due",
        "retired_at",
        "retired_by",
        "created_at",
    ]
    inlines = [VersionInline]

    @admin.display(boolean=True, description=_("Source updated since this translation"))
    def source_updated(self, obj):
        return obj.is_source_updated

    def has_delete_permission(self, request, obj=None):
        return False  # retire instead: assignments point at articles


@admin.register(ArticleVersion)
class ArticleVersionAdmin(PortalHistoryAdmin):
    """Drafts can be corrected here, through the portal's form and its checks (clinic figures
    known and each on a line of its own); the workflow (review, publish) happens in the portal.
    """

    form = VersionForm
    list_display = [
        "article",
        "number",
        "title",
        "status",
        "reading_grade",
        "reading_scale",
        "author",
        "created_at",
    ]
    list_filter = ["status"]
    search_fields = ["title", "article__slug"]
    list_select_related = ["article", "author"]
    frozen = [
        "article",
        "number",
        "status",
        "word_count",
        "reading_grade",
        "reading_scale",
        "reading_minutes",
        "author",
        "created_at",
        "submitted_by",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
        "review_note",
        "published_by",
        "published_at",
        "readability_reason",
        "based_on",
        "translated_from",
    ]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return [*self.frozen, "title", "summary", "body_markdown", "references_markdown"]
        return self.frozen

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Assignment)
class AssignmentAdmin(PortalHistoryAdmin):
    """Clinicians only (view assignment permission); editors never see it. Read-only: the note,
    the question and the answer are each shown to the patient or the care team as written by
    the person the assignment names, so they are written in the portal only."""

    audit_views = True

    list_display = ["id", "patient", "article", "version", "assigned_by", "assigned_at"]
    list_select_related = ["patient", "article", "version", "assigned_by"]

    def has_add_permission(self, request):
        return False  # assigning sends the patient an email: use the portal's assign page

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
