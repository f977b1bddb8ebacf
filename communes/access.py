"""Access control: every unit a view touches is fetched through these helpers.

Outside the user's scope the answer is 404, never 403, so ids of other units reveal nothing.
"""

from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404

from .models import roles_of


def get_visible_or_404(queryset: QuerySet | type[Model], user, **lookup):
    """Return the object matching `lookup` among those `user` may see, or raise Http404."""
    if isinstance(queryset, type):
        queryset = queryset.objects.all()
    return get_object_or_404(queryset.visible_to(user), **lookup)


user_roles = roles_of


def has_role(user, *kinds: str) -> bool:
    return any(role.kind in kinds for role in user_roles(user))
