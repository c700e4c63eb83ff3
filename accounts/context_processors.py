from accounts import scoping


def roles(request):
    """Expose the user's roles to templates so the navbar shows only what the role may use."""
    user_roles = scoping.roles(request.user)
    return {
        "user_roles": user_roles,
        "is_staff_role": "staff" in user_roles or scoping.sees_everything(request.user),
        "is_leader_role": "leader" in user_roles,
        "is_liaison_role": "liaison" in user_roles,
        "is_account_admin_role": "account_admin" in user_roles,
        "is_auditor_role": "auditor" in user_roles or scoping.sees_everything(request.user),
    }
