from django.apps import AppConfig


class EducationConfig(AppConfig):
    name = "education"
    verbose_name = "Patient education"

    def ready(self):
        from clinic import registry, roles
        from education import dashboard, demo

        roles.grant(
            roles.SPECIALISTS,
            [
                # clinical review of articles, and assigning reading to patients
                "education.view_article",
                "education.view_articleversion",
                "education.review_article",
                "education.assign_article",
                "education.view_assignment",
                "education.add_assignment",
                "education.change_assignment",
            ],
        )
        roles.grant(
            roles.CONTENT_EDITORS,
            [
                # writing and publishing articles; never assignments (they are about patients)
                "education.view_article",
                "education.add_article",
                "education.change_article",
                "education.view_articleversion",
                "education.add_articleversion",
                "education.change_articleversion",
                "education.publish_article",
            ],
        )
        registry.register_landing_panel(dashboard.public_context)
        registry.register_dashboard_panel(dashboard.context_for)
        registry.register_demo_seeder(demo.seed)
        self.connect_page_cache()

    def connect_page_cache(self):
        """Any change to an article or a version forgets the stored public pages."""
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save

        from education import page_cache
        from education.models import Article, ArticleVersion

        def changed(**kwargs):
            transaction.on_commit(page_cache.invalidate)

        for model in (Article, ArticleVersion):
            for signal in (post_save, post_delete):
                signal.connect(changed, sender=model, weak=False, dispatch_uid=f"page-{model}")
