"""The bundled sample archive's generator (``archive-search sample``): made-up customers and
their documents in every format the indexer reads. Not on the extraction path."""
