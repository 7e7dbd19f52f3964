"""Reading a response body within a size limit, compressed or not.

httpx would inflate gzip without a bound; the body is read raw here and inflated by a
bounded decompressor, so a gzip bomb is refused before it fills memory.
"""

from __future__ import annotations

import zlib

import httpx

from aggregator.errors import FetchFailure


async def read_body(response: httpx.Response, max_bytes: int) -> bytes:
    """The decoded body, refused as soon as it would exceed `max_bytes`."""
    encoding = response.headers.get("content-encoding", "identity").lower().strip()
    inflater = _inflater(encoding)
    chunks: list[bytes] = []
    size = 0
    async for raw in response.aiter_raw():
        data = raw
        if inflater is not None:
            data = inflater.decompress(raw, max_bytes + 1 - size)
            if inflater.unconsumed_tail:
                raise FetchFailure(f"body larger than {max_bytes} bytes once decompressed")
        size += len(data)
        if size > max_bytes:
            raise FetchFailure(f"body larger than {max_bytes} bytes")
        chunks.append(data)
    if inflater is not None:
        tail = inflater.flush()
        size += len(tail)
        if size > max_bytes:
            raise FetchFailure(f"body larger than {max_bytes} bytes once decompressed")
        chunks.append(tail)
    return b"".join(chunks)


async def drain(response: httpx.Response, limit: int = 64 * 1024) -> None:
    """Read what is left of a small body (a 304's, a redirect's, an error page's), so that
    the connection can be kept alive for the next feed; past `limit`, closing costs less."""
    if response.is_stream_consumed:
        return
    size = 0
    async for chunk in response.aiter_raw():
        size += len(chunk)
        if size > limit:
            return


def _inflater(encoding: str) -> zlib._Decompress | None:
    if encoding in ("identity", ""):
        return None
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj()
    raise FetchFailure(f"unsupported content encoding {encoding[:40]!r}")
