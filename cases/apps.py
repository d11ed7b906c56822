from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Clinical cases"

    def ready(self):
        from cases import outcomes, services, signals
        from clinic.models import PATIENT_CHANGE_CHECKS

        # A patient's corrected date of birth must not come after one of their consults.
        if services.check_patient_change not in PATIENT_CHANGE_CHECKS:
            PATIENT_CHANGE_CHECKS.append(services.check_patient_change)

        # The clinic's own figures, for [[figure:key]] tokens in articles (education/figures.py).
        outcomes.register_article_figures()
        # Saved clinical records keep the figures current (a refresh after each commit).
        signals.connect()
