from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class WebinarConfig(AppConfig):
    name = "webinar"
    verbose_name = _("Webinars")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from webinar import checks, roles  # noqa: F401  (registers the system checks)

        post_migrate.connect(roles.sync_role_groups_after_migrate, dispatch_uid="webinar-roles")
