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
