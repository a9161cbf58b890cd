"""The ``medspam`` command line."""
