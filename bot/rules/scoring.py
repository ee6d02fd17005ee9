"""Points. Stated in README: a correct answer scores 10, 15 or 20 by difficulty (1, 2, 3), plus a
streak bonus of 1 point per consecutive answered post beyond the first, at most 5. A wrong answer
scores 0 and never subtracts: studying should not feel like a penalty."""

from __future__ import annotations

BASE_POINTS = {1: 10, 2: 15, 3: 20}
STREAK_BONUS_CAP = 5


def points_for(correct: bool, difficulty: int, streak: int) -> int:
    if not correct:
        return 0
    bonus = min(max(streak - 1, 0), STREAK_BONUS_CAP)
    return BASE_POINTS.get(difficulty, BASE_POINTS[2]) + bonus
