from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Clinical cases"

    def ready(self):
        from cases import outcomes, signals

        # The clinic's own figures, for [[figure:key]] tokens in articles (education/figures.py).
        outcomes.register_article_figures()
        signals.connect()
