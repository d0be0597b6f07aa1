"""Who may command a video: its owner, or a member of staff (Django's `is_staff`).

The sender of a command is its metadata `userId`, as the web app writes it. Staff status is
read from Django's users when the command is handled; the decision is then recorded as an
event, so replaying the catalog's events never asks again.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

_MAX_ID = 2**63 - 1


def is_staff(user_id: str | None) -> bool:
    if not isinstance(user_id, str) or not user_id.isascii() or not user_id.isdigit():
        return False
    if int(user_id) > _MAX_ID:
        return False
    return get_user_model().objects.filter(pk=int(user_id), is_staff=True, is_active=True).exists()


def may_command(owner_id: str | None, user_id: object) -> bool:
    if not isinstance(user_id, str) or not user_id:
        return False
    return user_id == owner_id or is_staff(user_id)
