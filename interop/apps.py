from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "interop"
    verbose_name = "Interoperability (FHIR API)"

    def ready(self):
        from clinic import registry

        # Every view under /fhir/r4/ refuses what it does not serve with a FHIR 405 (api.read_only).
        registry.register_method_answering_prefix("/fhir/r4/")
