"""A password-strength validator beside Django's: how guessable is the password, not only how long.

Django's validators refuse short, common and all-number passwords, but accept "devdevdevdev" for a user
called "dev": twelve characters, not in the common list, yet a repeat of the user name. zxcvbn (Wheeler,
"zxcvbn: Low-Budget Password Strength Estimation", USENIX Security 2016) estimates how many guesses an
attacker needs, recognising repeats, sequences, keyboard runs, dates, dictionary words and the user's own
details. NCSC's password guidance and OWASP ASVS 4.0 (2.1.7, 2.1.8) ask for exactly this kind of check.
Its score runs from 0 (too guessable) to 4 (very unguessable); 3 means "safely unguessable" (about 10^10
guesses), which is what we ask for.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from zxcvbn import zxcvbn

# zxcvbn only looks at the first characters of very long inputs for speed; its own advice is 72 or fewer.
_MAX_CHECKED = 100


class GuessablePasswordValidator:
    """Refuse a password zxcvbn scores below ``min_score``, with its reason in plain English."""

    def __init__(self, min_score: int = 3) -> None:
        if not 0 <= min_score <= 4:
            raise ValueError("min_score is a zxcvbn score from 0 to 4")
        self.min_score = min_score

    def validate(self, password: str, user: Any = None) -> None:
        inputs = _user_inputs(user)
        result = zxcvbn(password[:_MAX_CHECKED], user_inputs=inputs)
        if result["score"] >= self.min_score:
            return
        reasons = [result["feedback"].get("warning") or ""]
        reasons = [r.rstrip(".") + "." for r in reasons if r]
        raise ValidationError(
            " ".join(
                [
                    "This password would be too easy to guess.",
                    *reasons,
                    "Use three or four unrelated words together, not your name or a repeated word.",
                ]
            ),
            code="password_too_guessable",
        )

    def get_help_text(self) -> str:
        return (
            "Your password must not be easy to guess: three or four unrelated words together work well; "
            "avoid your name, repeated words and keyboard runs."
        )


def _user_inputs(user: Any) -> list[str]:
    """The user's own details, which an attacker would try first."""
    if user is None:
        return []
    values = [getattr(user, name, "") for name in ("username", "first_name", "last_name", "email")]
    inputs = [str(v) for v in values if v]
    email = getattr(user, "email", "") or ""
    if "@" in email:
        inputs.append(email.split("@", 1)[0])
    return inputs
