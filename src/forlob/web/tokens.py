"""API tokens for integrations (`Authorization: Bearer <token>`).

A token is 32 random bytes (URL-safe text), shown once when it is made; only its SHA-256 is
stored, so a copy of the database gives no working token.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.contrib.auth.models import User
from django.utils import timezone

from forlob.web.models import ApiToken

# last_used_at is written at most this often per token, not on every request
_TOUCH_EVERY = dt.timedelta(seconds=60)


def hash_token(raw: str) -> str:
    """What is stored of a secret token (API tokens, questionnaire links): its SHA-256."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Make a token for `user`; returns the row and the token text (not stored anywhere)."""
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, key_hash=hash_token(raw))
    return token, raw


def verify_token(raw: str) -> User | None:
    """The active user a token belongs to, or None; notes when the token was last used."""
    raw = raw.strip()
    if not raw or len(raw) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(raw)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= _TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
