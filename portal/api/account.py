"""Everyone's endpoints: their own account, and their API tokens (list, create, revoke)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from portal import tokens
from portal.api.authentication import token_of
from portal.api.permissions import SignedIn
from portal.models import ApiToken, User

SCOPE_SCHEMA = {
    "type": "object",
    "description": 'Each kind ("host", "program", "intake") to "all" or to a list of ids.',
    "additionalProperties": {
        "oneOf": [
            {"type": "string", "enum": [tokens.ALL]},
            {"type": "array", "items": {"type": "integer"}},
        ]
    },
}


@extend_schema_field(SCOPE_SCHEMA)
class ScopeField(serializers.JSONField):
    pass


class AccountSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "full_name", "language"]
        read_only_fields = fields


class TokenSerializer(serializers.ModelSerializer):
    scope = ScopeField(read_only=True)

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "prefix",
            "can_write",
            "scope",
            "expires_at",
            "created_at",
            "last_used_at",
            "use_count",
        ]
        read_only_fields = fields


class NewTokenSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    expires_on = serializers.DateField(
        help_text=_("The last day the token works; at most a year away.")
    )
    can_write = serializers.BooleanField(default=False)
    scope = ScopeField(default=dict)


class CreatedTokenSerializer(TokenSerializer):
    token = serializers.CharField(read_only=True, help_text=_("Shown this once; keep it safe."))

    class Meta(TokenSerializer.Meta):
        fields = [*TokenSerializer.Meta.fields, "token"]
        read_only_fields = fields


class AccountView(generics.RetrieveAPIView):
    """Your own account."""

    permission_classes = [SignedIn]
    serializer_class = AccountSerializer

    def get_object(self):
        return self.request.user


class TokenViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Your API tokens. Made only while signed in to the portal (not with another token);
    revoking one ends it at once."""

    permission_classes = [SignedIn]
    serializer_class = TokenSerializer
    queryset = ApiToken.objects.none()

    def get_queryset(self):
        return tokens.tokens_of(self.request.user)

    @extend_schema(request=NewTokenSerializer, responses={201: CreatedTokenSerializer})
    def create(self, request):
        if token_of(request) is not None:
            raise PermissionDenied(_("Tokens are made while signed in, not with another token."))
        data = NewTokenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        token, text = tokens.create_api_token(request.user, **data.validated_data)
        token.token = text
        return Response(CreatedTokenSerializer(token).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        tokens.revoke_api_token(instance)


def register(router):
    router.register("tokens", TokenViewSet, basename="token")
