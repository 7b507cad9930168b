"""Phoneme spans: `[[...]]` is espeak-ng phoneme input, said exactly as written. While the
normalizer's rules run, each span is swapped for one private-use character, so no rule can touch it.
"""

from __future__ import annotations

import re

PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_FIRST_PLACEHOLDER = 0xE000
_MAX_SPANS = 0xF8FF - 0xE000


def split_phonemes(text: str) -> list[str]:
    """`text` cut into written text and `[[...]]` phoneme spans, alternately (as `re.split`
    with one group cuts it): the pieces at odd positions are the spans. A scan with `str.find`,
    since a regex for the spans takes quadratic time on text with many unclosed "[[" in it."""
    pieces = []
    start = 0
    while (opening := text.find("[[", start)) >= 0:
        closing = text.find("]]", opening + 2)
        if closing < 0:
            break
        pieces += [text[start:opening], text[opening : closing + 2]]
        start = closing + 2
    pieces.append(text[start:])
    return pieces


def protect_phonemes(text: str, spans: list[str], drop_private_use: bool = True) -> str:
    """`text` with each phoneme span held in `spans` and replaced by its placeholder. Stray
    private-use characters (which nobody can say) are dropped so that none passes for one."""
    pieces = split_phonemes(text)
    if drop_private_use:
        pieces[::2] = [PRIVATE_USE.sub("", piece) for piece in pieces[::2]]
    for i in range(1, len(pieces), 2):
        if len(spans) < _MAX_SPANS:
            spans.append(pieces[i])
            pieces[i] = chr(_FIRST_PLACEHOLDER + len(spans) - 1)
    return "".join(pieces)


def restore_phonemes(text: str, spans: list[str]) -> str:
    return PRIVATE_USE.sub(lambda m: spans[ord(m.group()) - _FIRST_PLACEHOLDER], text)
