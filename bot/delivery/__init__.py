"""Getting questions and results onto the platforms: dispatch, the scheduler tick, the live tally."""
