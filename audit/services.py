from .models import AccessLog


def log_read(*, request, obj, channel: str = AccessLog.Channel.PAGE) -> None:
    """Record that the requesting account read `obj` (one insert, no extra read)."""
    user = request.user
    role = getattr(user, "active_role", None)
    AccessLog.objects.create(
        user=user,
        role=_role_label(user, role),
        channel=channel,
        object_type=obj._meta.model_name,
        object_id=str(getattr(obj, "public_id", obj.pk)),
        path=request.path[:300],
    )


def _role_label(user, role) -> str:
    label = str(role) if role else ""
    if role is not None and getattr(user, "exceptional_school_ids", None):
        label += " [accès exceptionnel en cours]"
    return label[:200]
