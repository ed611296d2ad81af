"""`forlob manage forlob_token USERNAME NAME`: make an API token for an integration.

The token is printed once on stdout; only its hash is kept, so it cannot be shown again.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from forlob.web.tokens import create_token


class Command(BaseCommand):
    help = "Create an API token for a user (printed once; only its hash is stored)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="The user the integration acts as")
        parser.add_argument("name", help="What the token is for, e.g. the integration's name")

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"]
        name: str = options["name"].strip()
        if not name:
            raise CommandError("give the token a name (what it is for)")
        if len(name) > 100:
            raise CommandError("the name is at most 100 characters")
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        if not user.is_active:
            raise CommandError(f"user {username!r} is not active")
        _token, raw = create_token(user, name)
        self.stdout.write(raw)
        self.stderr.write(
            f"API token {name!r} for {username}: shown once, keep it now. "
            "Use it as 'Authorization: Bearer <token>'."
        )
