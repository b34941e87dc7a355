"""Signing in: allauth's backend, with the signed-in user read by SQL compiled once.

Every signed-in request reads its user. Through the ORM that lookup costs about half a
millisecond of query building, more than the database takes; compiled once
(portal/prepared.py) it costs the query alone. Everything else is allauth's backend
(email login, rate limits) and Django's ModelBackend beneath it (permissions).
"""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model

from portal.prepared import prepared


@prepared
def _user(user_id):
    return get_user_model()._default_manager.filter(pk=user_id)


class AccountBackend(AuthenticationBackend):
    def get_user(self, user_id):
        users = _user.instances(user_id)
        user = users[0] if users else None
        return user if user is not None and self.user_can_authenticate(user) else None
