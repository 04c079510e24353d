"""The ``archive-search`` command: :mod:`.main` parses and dispatches; one module per group."""
