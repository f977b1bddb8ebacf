from .access import user_roles


def roles(request):
    """Expose the user's roles lazily; templates use them for the navigation."""
    return {"user_roles": lambda: user_roles(request.user)}
