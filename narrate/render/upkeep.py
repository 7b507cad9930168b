"""Cache upkeep: what is in it, and dropping what no current build uses."""

from __future__ import annotations

from pathlib import Path

from narrate.render.cache import ChapterCache


def cache_stats(root: Path) -> dict[str, object]:
    cache = ChapterCache(root)
    entries = cache.entries()
    used = cache.keys_in_use()
    in_use = sum(1 for key, _ in entries if key in used)
    return {
        "root": str(root),
        "entries": len(entries),
        "bytes": sum(size for _, size in entries),
        "in_use": in_use,
        "unused": len(entries) - in_use,
    }


def clean_cache(root: Path) -> tuple[int, int]:
    """Remove unused entries and stray files; return (entries removed, bytes freed)."""
    cache = ChapterCache(root)
    used = cache.keys_in_use()
    removed = freed = 0
    for key, size in cache.entries():
        if key not in used:
            cache.remove(key)
            removed += 1
            freed += size
    for path in cache.stray_files():
        freed += path.stat().st_size
        path.unlink(missing_ok=True)
    return removed, freed
