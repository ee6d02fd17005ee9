"""Pure rules over values: schedules, streaks, scoring, question picking. No I/O here."""
