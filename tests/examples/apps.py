from django.apps import AppConfig


class ExamplesConfig(AppConfig):
    name = "tests.examples"
    label = "examples"

    def ready(self):
        from auditlog.registry import auditlog

        from . import exports, importers, models, policies, search  # noqa: F401

        auditlog.register(models.Casefile)
        auditlog.register(models.StateReport)
