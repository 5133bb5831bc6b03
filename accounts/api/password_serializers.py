"""Input shapes of the password and session endpoints (types only; accounts.passwords rules)."""

from rest_framework import serializers


class EmailSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254)


class LinkSerializer(serializers.Serializer):
    """The two parts of an e-mailed link: ``.../<uid>/<token>/``."""

    uid = serializers.CharField(max_length=64)
    token = serializers.CharField(max_length=128)


class PasswordResetConfirmSerializer(LinkSerializer):
    new_password = serializers.CharField(
        max_length=128, trim_whitespace=False, style={"input_type": "password"}
    )


class PasswordChangeSerializer(serializers.Serializer):
    old_password = serializers.CharField(
        max_length=128, trim_whitespace=False, style={"input_type": "password"}
    )
    new_password = serializers.CharField(
        max_length=128, trim_whitespace=False, style={"input_type": "password"}
    )


class RefreshSerializer(serializers.Serializer):
    refresh = serializers.CharField(max_length=4096)


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()
