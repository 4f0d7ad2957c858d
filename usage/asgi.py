"""ASGI lifespan wrapper: flush usage records when the server shuts down (after the last request).

Wrap the application (`application = UsageLifespan(application)`) and run uvicorn with
`--lifespan on`. Django itself does not speak the lifespan protocol, so this answers it.
"""

import asyncio

from usage.services import usage_flush


class UsageLifespan:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await asyncio.to_thread(usage_flush, 20)
                await send({"type": "lifespan.shutdown.complete"})
                return
