from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Clinical cases")

    def ready(self):
        from django.urls import reverse

        from cases import dashboard, demo, outcomes, services, signals
        from cases.models import FigureResult, FigureSnapshot
        from clinic import page_cache, registry, roles
        from clinic.models import PATIENT_CHANGE_CHECKS

        roles.grant(
            roles.SPECIALISTS,
            [
                # clinical records are viewed, added and changed, never deleted
                *[
                    f"cases.{action}_{model}"
                    for model in (
                        "consult",
                        "candidacydecision",
                        "procedure",
                        "adverseevent",
                        "followup",
                    )
                    for action in ("view", "add", "change")
                ],
                "cases.decide_candidacy",
                "cases.export_research_data",
            ],
        )
        registry.register_dashboard_panel(dashboard.context_for)
        registry.register_demo_seeder(demo.seed)
        registry.register_patient_url(
            lambda patient: reverse("cases:patient_detail", args=[patient.pk])
        )

        # A patient's corrected date of birth must not come after one of their consults.
        if services.check_patient_change not in PATIENT_CHANGE_CHECKS:
            PATIENT_CHANGE_CHECKS.append(services.check_patient_change)

        # The clinic's own figures, for [[figure:key]] tokens in articles (education/figures.py);
        # the signed-in pages that show them are rendered again when they are refreshed.
        outcomes.register_article_figures()
        page_cache.register_figures(FigureSnapshot, FigureResult)
        # Saved clinical records keep the figures current (a refresh after each commit).
        signals.connect()
