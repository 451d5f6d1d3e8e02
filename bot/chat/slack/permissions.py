"""Who counts as a Parley admin on Slack: workspace admins and owners, or a user group."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

logger = logging.getLogger(__name__)

# Given a Slack team id, return the user group id configured with
# `/parley config admin-role`, or None. Backed by the per-workspace settings store.
AdminGroupLookup = Callable[[str], Awaitable[str | None]]


async def is_admin(
    client: AsyncWebClient, user_id: str, team_id: str, admin_group_lookup: AdminGroupLookup
) -> bool:
    """Return whether ``user_id`` is a workspace admin/owner or in the configured admin group."""
    if await _is_workspace_admin(client, user_id):
        return True
    group_id = await admin_group_lookup(team_id)
    if not group_id:
        return False
    return await _in_group(client, user_id, group_id, team_id)


async def _is_workspace_admin(client: AsyncWebClient, user_id: str) -> bool:
    try:
        response = await client.users_info(user=user_id)
    except SlackApiError as exc:
        # Fail closed: an unknown user is not an admin; the reason goes to the log.
        logger.warning("users.info failed for %s: %s", user_id, exc.response.get("error"))
        return False
    user = response.get("user") or {}
    return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))


async def _in_group(client: AsyncWebClient, user_id: str, group_id: str, team_id: str) -> bool:
    try:
        response = await client.usergroups_users_list(usergroup=group_id, team_id=team_id)
    except SlackApiError as exc:
        logger.warning(
            "usergroups.users.list failed for group %s: %s", group_id, exc.response.get("error")
        )
        return False
    return user_id in (response.get("users") or [])
