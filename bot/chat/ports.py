"""What platform adapters need from the core, and what the core needs from them."""

from __future__ import annotations

from typing import Protocol

from bot.chat.replies import Choice, CommandRequest, Reply


class CommandHandler(Protocol):
    """The platform-neutral command layer (``bot.chat.commands.Commands``)."""

    async def handle(self, request: CommandRequest) -> Reply:
        """Answer one command; never raises for bad input (returns an error reply)."""
        ...

    async def complete(
        self, command: str, option: str, prefix: str, workspace_id: str
    ) -> list[Choice]:
        """Return at most 25 autocomplete choices for ``option`` of ``command``."""
        ...


class Notifier(Protocol):
    """Posts to one chat platform. Implemented by each adapter."""

    platform: str  # "discord" | "slack" | "console"

    async def send(
        self,
        channel_id: str,
        post: Reply,
        *,
        dedupe_key: str,
        reply_to: str | None = None,
    ) -> str:
        """Post ``post`` to ``channel_id`` and return the platform message id.

        ``dedupe_key`` is stable per outbox event and channel: an adapter uses it so
        that a retry after a crash between sending and recording does not post twice
        (Discord: message nonce with ``enforce_nonce``; Slack: message metadata checked
        before a resend). ``reply_to`` is the platform message id of an earlier post
        about the same subject, to reply to or link. Raises ``DeliveryError`` on failure
        after the adapter's own retries (the outbox retries later; nothing is lost).
        """
        ...


class DeliveryError(Exception):
    """A post could not be delivered now; ``retryable`` says whether to try again later."""

    def __init__(self, message: str, *, retryable: bool = True, retry_after: float | None = None):
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after
