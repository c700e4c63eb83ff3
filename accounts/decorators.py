"""Role gates for views: a user in scope but without the role gets 403."""

from functools import wraps

from django.core.exceptions import PermissionDenied

from accounts import scoping


def role_required(*allowed: str):
    """Let through superusers and users holding one of ``allowed`` roles; refuse others with 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not scoping.sees_everything(user) and not (scoping.roles(user) & set(allowed)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


staff_required = role_required("staff")
# Organization and account pages: staff, and the account administrator (三员分立).
account_manager_required = role_required(*scoping.ACCOUNT_ROLES)
