"""API tokens: creating, finding, recording use, revoking and forgetting expired ones.

A token's text is ``slp_<prefix>_<secret>``. Only the SHA-256 of the whole text is kept, with
the prefix to find the row; the text is shown once, when it is made.

What a token may reach is its owner's rights now (every request asks the same rules as the
pages), narrowed by its scope. The kinds of scope are registered by the apps that know them
(``register_scope``, from ``AppConfig.ready()``): ``portal`` knows no host or program.
"""

import datetime
import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import ApiToken

TEXT_START = "slp_"  # how every token text begins
PREFIX_LENGTH = 8
MAX_DAYS = 365
ALL = "all"


@dataclass(frozen=True)
class ScopeKind:
    """A kind of object a token's scope names: ``objects(user)`` is the queryset of those the
    person may choose from (their hosts, the programs they manage ...), by their roles now;
    "all" in a scope means that queryset at each request, so it follows the roles."""

    name: str
    label: object
    all_label: object
    objects: Callable
    order: int = 0

    def options(self, user):
        return [(obj.pk, str(obj)) for obj in self.objects(user)]


_KINDS: dict[str, ScopeKind] = {}


def register_scope(kind):
    _KINDS[kind.name] = kind


def scope_kinds():
    return sorted(_KINDS.values(), key=lambda kind: (kind.order, kind.name))


def scope_choices(user):
    """[(kind, [(value, label)])]: for each kind the person has objects of, "all" then each
    object; the account page's checkboxes ("host:all", "host:3")."""
    choices = []
    for kind in scope_kinds():
        options = list(kind.options(user))
        if options:
            choices.append(
                (
                    kind,
                    [(f"{kind.name}:{ALL}", kind.all_label)]
                    + [(f"{kind.name}:{pk}", label) for pk, label in options],
                )
            )
    return choices


def scope_from_values(values):
    """{"host": "all"} / {"host": [3, 5]} from the account page's "kind:value" strings."""
    scope = {}
    for value in values:
        kind, _sep, item = str(value).partition(":")
        if item == ALL:
            scope[kind] = ALL
        elif scope.get(kind) != ALL:
            scope.setdefault(kind, []).append(int(item) if item.isdigit() else item)
    return scope


def check_scope(user, scope):
    """The scope, cleaned (ids sorted), if every kind and id in it is the person's now; else
    a ValidationError saying what is not."""
    if not isinstance(scope, dict):
        raise ValidationError(_('The scope must map kinds to "all" or to lists of ids.'))
    cleaned = {}
    for name, value in scope.items():
        kind = _KINDS.get(name)
        if kind is None:
            raise ValidationError(_("Unknown kind of scope: %(kind)s.") % {"kind": name})
        allowed = {pk for pk, _label in kind.options(user)}
        if value == ALL:
            if not allowed:
                raise ValidationError(
                    _("You have no %(kind)s to give this token.") % {"kind": kind.label}
                )
            cleaned[name] = ALL
            continue
        if not isinstance(value, list) or not all(
            isinstance(pk, int) and not isinstance(pk, bool) for pk in value
        ):
            raise ValidationError(_('The scope must map kinds to "all" or to lists of ids.'))
        if not set(value) <= allowed:
            raise ValidationError(
                _("Some of these %(kind)s are not yours: %(ids)s.")
                % {
                    "kind": kind.label,
                    "ids": ", ".join(str(pk) for pk in sorted(set(value) - allowed)),
                }
            )
        if value:
            cleaned[name] = sorted(set(value))
    return cleaned


def latest_expiry(today=None):
    return (today or timezone.localdate()) + datetime.timedelta(days=MAX_DAYS)


def _digest(text):
    return hashlib.sha256(text.encode()).hexdigest()


@transaction.atomic
def create_api_token(user, *, name, expires_on, can_write, scope):
    """A new token for ``user``: returns (token row, its text). The text is not kept."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Give the token a name.")]})
    try:
        # The model field's own validators (one line, 100 characters): objects.create below
        # runs none of them.
        ApiToken._meta.get_field("name").run_validators(name)
    except ValidationError as error:
        raise ValidationError({"name": error.messages}) from None
    today = timezone.localdate()
    if expires_on <= today:
        raise ValidationError({"expires_on": [_("Choose a day after today.")]})
    if expires_on > latest_expiry(today):
        raise ValidationError({"expires_on": [_("A token lasts at most a year.")]})
    try:
        scope = check_scope(user, scope)
    except ValidationError as error:
        raise ValidationError({"scope": error.messages}) from None
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    text = f"{TEXT_START}{prefix}_{secrets.token_urlsafe(32)}"
    # The token lasts to the end of its last day, in the portal's time zone.
    expires_at = timezone.make_aware(
        datetime.datetime.combine(expires_on + datetime.timedelta(days=1), datetime.time())
    )
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        digest=_digest(text),
        can_write=bool(can_write),
        scope=scope,
        expires_at=expires_at,
    )
    return token, text


def find_token(text):
    """The live token this text is, with its owner, or None (malformed, unknown, revoked,
    expired, or its owner deactivated)."""
    if not isinstance(text, str) or not text.startswith(TEXT_START):
        return None
    prefix, sep, secret = text[len(TEXT_START) :].partition("_")
    if not sep or len(prefix) != PREFIX_LENGTH or not secret:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.digest, _digest(text)):
        return None
    if token.expires_at <= timezone.now() or not token.user.is_active:
        return None
    return token


def record_use(token):
    """Last used and the count, in one UPDATE: two requests at once both count."""
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, use_count=F("use_count") + 1)
    token.last_used_at = now


def tokens_of(user):
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def revoke_api_token(token):
    """Revoked is gone: the next request with it is refused (401)."""
    token.delete()


def delete_expired_api_tokens(now=None):
    return ApiToken.objects.filter(expires_at__lte=now or timezone.now()).delete()[0]


def scope_filter(token, **paths):
    """A Q keeping the rows the token's scope covers: ``paths`` maps each kind that may cover
    a row to the lookup of its id (``host="host"``, ``program="intake__program"``). "all" of
    a kind is the owner's objects of that kind now. None for no token (a signed-in session,
    which has all its owner's rights)."""
    if token is None:
        return None
    condition = Q(pk__in=[])
    for name, path in paths.items():
        value = token.scope.get(name)
        if value == ALL:
            condition |= Q(**{f"{path}__in": _KINDS[name].objects(token.user).values("pk")})
        elif isinstance(value, list) and value:
            condition |= Q(**{f"{path}__in": value})
    return condition


def scoped(queryset, token, **paths):
    """``queryset`` narrowed to the token's scope (see scope_filter)."""
    condition = scope_filter(token, **paths)
    return queryset if condition is None else queryset.filter(condition)
