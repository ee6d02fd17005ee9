"""What the tests share: fakes of the remote platforms, databases, clocks, strategies."""
