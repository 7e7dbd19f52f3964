"""Run slots: how many feeds may be between their host's turn and the end of their update.

A slot is taken by the task fetching a feed once that feed has its host's turn, and given
back when the task ends: for the run, that is once the feed is parsed and stored, so the
bodies waiting for a parser stay bounded (`concurrency`), while feeds queued behind a slow
host hold no slot and hold up no other host. A task takes one slot however many requests
it makes (a page, then the feeds it advertises); while it waits for another host's turn it
gives its slot back, so that two orders of taking never wait on each other.
"""

from __future__ import annotations

import asyncio
from typing import Any


class RunSlots:
    def __init__(self, size: int) -> None:
        self._free = asyncio.Semaphore(size)
        self._holders: set[asyncio.Task[Any]] = set()

    async def take(self) -> None:
        """A slot for the current task, until it ends (or `give_back`); once per task."""
        task = asyncio.current_task()
        assert task is not None
        if task in self._holders:
            return
        await self._free.acquire()
        self._holders.add(task)
        task.add_done_callback(self.give_back)

    def give_back(self, task: asyncio.Task[Any] | None = None) -> None:
        """Give back the current (or the given) task's slot, if it holds one."""
        task = task or asyncio.current_task()
        if task in self._holders:
            self._holders.discard(task)
            self._free.release()
