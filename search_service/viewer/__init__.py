"""The page viewer: documents rendered page by page on the server, matches highlighted,
sensitive numbers blacked out for masked roles, every page and copy watermarked."""
