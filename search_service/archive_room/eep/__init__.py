"""Electronic-record packages (EEP, DA/T 48-style) of handover batches: ``package`` writes
one XML package per record and the batch's manifest, ``export`` is the archive-room action
(scope, masking, the access log), ``verify`` is what the receiving side runs."""
