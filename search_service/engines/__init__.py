"""Search engines: projections of the document catalog behind one interface (``base``)."""
