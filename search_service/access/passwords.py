"""Common and leaked passwords refused, besides the length and class rules of
:func:`search_service.access.accounts.check_password`.

zxcvbn (a maintained package) estimates how many guesses a password takes, knowing 30,000
passwords from leaks, English words and names, keyboard walks, dates, repeats and l33t
spelling; ``common_passwords_zh.txt`` adds what Chinese leaks and offices use (pinyin,
5201314, the company's own names). A password guessed within :data:`MIN_GUESSES` is
refused: ``Password@123`` takes about 10^6.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

MIN_GUESSES_LOG10 = 8.0  # 10^8 guesses: out of reach online (sign-in limits) and costly
# against argon2 offline; 2 of zxcvbn's 0-4 score is below it
WORDS_FILE = Path(__file__).with_name("common_passwords_zh.txt")


@lru_cache(maxsize=1)
def local_words() -> tuple[str, ...]:
    lines = WORDS_FILE.read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def too_common(password: str, name: str = "") -> bool:
    """Whether ``password`` is among the first 10^8 guesses of an informed attacker (one who
    knows the user name and the lists above)."""
    from zxcvbn import zxcvbn

    found = zxcvbn(password[:100], user_inputs=[name, *local_words()] if name else
                   list(local_words()))
    return float(found["guesses_log10"]) < MIN_GUESSES_LOG10
