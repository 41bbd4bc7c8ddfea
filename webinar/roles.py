"""The organisers' and rapporteurs' groups and what each may do.

The groups are created by a data migration; their permissions are set here after every
``migrate``, so that a model added later (and its permissions, which Django creates only after
migrating) joins the right group without a hand-written migration each time.
"""

from __future__ import annotations

ORGANISERS = "Organisers"
RAPPORTEURS = "Rapporteurs"

ALL = ("add", "change", "delete", "view")

# {group: {app_label: {model_name: actions, or a list of extra permission codenames}}}
ROLE_PERMISSIONS: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    ORGANISERS: {
        "webinar": {"series": ALL, "event": ALL, "organisation": ALL},
        "registration": {
            "registration": ALL,
            "question": ALL,
            "answer": ALL,
            "outgoingmail": ALL,
        },
        "agenda": {
            "session": ALL,
            "person": ALL,
            "sessionrole": ALL,
            "material": ALL,
        },
        "reports": {
            # Only organisers say a report is final (its PDFs lose the DRAFT mark).
            "report": (*ALL, "finalise"),
            "sessionsummary": ALL,
            "finding": ALL,
            "recommendation": ALL,
            "reportbuild": ("add", "view", "download", "publish"),
        },
        "certificates": {
            "certificate": ("view", "issue", "revoke", "download"),
            "certificatebatch": ("view",),
            "certificatesettings": ALL,
            "certificatelog": ("view",),
        },
        "delegations": {"delegation": ALL},
    },
    RAPPORTEURS: {
        "webinar": {"series": ("view",), "event": ("view",), "organisation": ("view",)},
        "agenda": {
            "session": ("view",),
            "person": ("view",),
            "sessionrole": ("view",),
            "material": ("view",),
        },
        "reports": {
            "report": ("add", "change", "view"),
            "sessionsummary": ALL,
            "finding": ALL,
            "recommendation": ALL,
            "reportbuild": ("add", "view", "download"),
        },
    },
}


def user_may_see_join_details(*, user) -> bool:
    """Join links and passcodes are for those who run events (organisers, superusers); a
    rapporteur, who may read the event and its agenda, does not need them."""
    return user.has_perm("webinar.change_event")


def sync_role_groups(*, group_model, permission_model) -> None:
    """Give each role group exactly the permissions listed above (those that exist yet)."""
    for group_name, apps_perms in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=group_name)
        wanted = []
        for app_label, models in apps_perms.items():
            for model_name, actions in models.items():
                codenames = [f"{action}_{model_name}" for action in actions]
                wanted.extend(
                    permission_model.objects.filter(
                        content_type__app_label=app_label,
                        content_type__model=model_name,
                        codename__in=codenames,
                    )
                )
        group.permissions.set(wanted)


def sync_role_groups_after_migrate(sender, apps=None, **kwargs) -> None:
    # Sent once per installed app; permissions of apps later in INSTALLED_APPS exist only by
    # the last one, and syncing on each is idempotent and cheap.
    if apps is None:
        return
    try:
        group_model = apps.get_model("auth", "Group")
        permission_model = apps.get_model("auth", "Permission")
    except LookupError:
        return
    sync_role_groups(group_model=group_model, permission_model=permission_model)
