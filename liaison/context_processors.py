def notifications(request):
    """The unread count for the navbar badge: one indexed COUNT per page, only when logged in."""
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return {}
    return {"unread_notifications": user.notifications.unread().count()}
