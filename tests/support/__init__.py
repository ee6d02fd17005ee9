"""Helpers the tests run beside the bot: a cuttable TCP proxy, a separate answering process."""
